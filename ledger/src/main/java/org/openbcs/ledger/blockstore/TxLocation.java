package org.openbcs.ledger.blockstore;

/** First occurrence of a transaction id: block number and envelope index within the block. */
public record TxLocation(long blockNum, int txIndex) {}
