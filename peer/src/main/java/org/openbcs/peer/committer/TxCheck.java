package org.openbcs.peer.committer;

import java.util.List;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.identity.Identity;
import org.openbcs.peer.policy.EndorsementPolicy;

/**
 * What the structural pass decided about one envelope: final already, or waiting for the block's
 * batched signature verification (by index into the block's request list).
 */
sealed interface TxCheck {
  String txId();

  /** Invalid before any signature was checked. */
  record Rejected(String txId, TxValidationCode code, String reason) implements TxCheck {}

  /** Valid without signature checks (the genesis CONFIG envelope). */
  record Accepted(String txId) implements TxCheck {}

  /**
   * An endorser transaction whose signatures and policy are still to be decided; {@code
   * rejectedEndorsers} says why endorsers that did not deserialize were dropped.
   */
  record Pending(
      String txId,
      String chaincode,
      int creatorRequest,
      List<Endorser> endorsers,
      List<String> rejectedEndorsers,
      EndorsementPolicy policy)
      implements TxCheck {}

  /** A deserialized endorser and the index of its signature request. */
  record Endorser(Identity identity, int request) {}
}
