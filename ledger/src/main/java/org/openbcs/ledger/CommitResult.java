package org.openbcs.ledger;

/**
 * What a block commit decided: the final TxValidationCode per transaction (the TRANSACTIONS_FILTER
 * bytes written into the stored block).
 */
public record CommitResult(long blockNum, byte[] validationCodes) {}
