package org.openbcs.ledger.state;

import java.util.List;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;

/** What the commit path needs from one envelope of a block. */
public sealed interface ParsedTx {
  /** Tx id from the channel header, "" if the envelope did not get that far. */
  String txId();

  /** An ENDORSER_TRANSACTION with its read-write sets, namespaces in envelope order. */
  record Endorser(String txId, long timestampMillis, List<NsRwSet> nsRwSets) implements ParsedTx {}

  /** Any other header type (CONFIG, ...): kept with its pre-validation code, writes no state. */
  record NonEndorser(String txId, int headerType) implements ParsedTx {}

  /** Undecodable: the commit marks it with {@code code} instead of throwing. */
  record Malformed(String txId, int code, String reason) implements ParsedTx {}

  /** One namespace's KV read-write set. */
  record NsRwSet(String namespace, KVRWSet rwset) {}
}
