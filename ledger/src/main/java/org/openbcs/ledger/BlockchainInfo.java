package org.openbcs.ledger;

/** Height and tip hashes, as qscc GetChainInfo reports them. */
public record BlockchainInfo(long height, byte[] currentBlockHash, byte[] previousBlockHash) {}
