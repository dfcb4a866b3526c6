package org.openbcs.fbft;

/** Outbound bytes to replica {@code to}; best effort, may drop (the protocol retransmits by timeout). */
public interface Transport {
  void send(int to, byte[] bytes);
}
