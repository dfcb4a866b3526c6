package org.openbcs.ledger;

import java.util.List;

/**
 * What a block commit decided: the final TxValidationCode per transaction (the TRANSACTIONS_FILTER
 * bytes written into the stored block) and the tx id at each position ("" for an envelope without
 * one), so that listeners need not read the block back to learn which transactions it held.
 */
public record CommitResult(long blockNum, byte[] validationCodes, List<String> txIds) {
  public CommitResult {
    txIds = List.copyOf(txIds);
    if (txIds.size() != validationCodes.length) {
      throw new IllegalArgumentException("block " + blockNum + ": " + txIds.size() + " tx ids for "
          + validationCodes.length + " validation codes");
    }
  }
}
