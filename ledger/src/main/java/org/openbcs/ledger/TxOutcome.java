package org.openbcs.ledger;

/** A committed transaction's final validation code and the block that holds it. */
public record TxOutcome(int validationCode, long blockNum) {}
