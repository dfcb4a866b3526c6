package org.openbcs.fbft.message;

/** Hard bounds the decoder enforces before allocating anything (spec R5.1). */
public record CodecLimits(
    int maxMessageBytes,
    int maxSignatures,
    int maxSignatureBytes,
    int maxEnvelopesPerBlock,
    int maxEnvelopeBytes,
    int maxSyncBlocks) {

  public static CodecLimits defaults() {
    return new CodecLimits(64 << 20, 1024, 256, 10_000, 1 << 20, 256);
  }
}
