package org.openbcs.ledger;

import org.hyperledger.fabric.protos.common.Envelope;

/** A committed transaction: its envelope, validation code and where it sits. */
public record TxRecord(
    String txId, Envelope envelope, int validationCode, long blockNum, int txIndex) {}
