package org.openbcs.ledger.blockstore;

/** The index entry of one block: where its record is and its header hash. */
public record IndexedBlock(long number, RecordLocation location, byte[] headerHash) {}
