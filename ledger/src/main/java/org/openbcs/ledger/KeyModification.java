package org.openbcs.ledger;

/** One write of a key, for GET_HISTORY_FOR_KEY (Fabric returns newest first). */
public record KeyModification(
    String txId, byte[] value, long timestampMillis, boolean isDelete, Version version) {}
