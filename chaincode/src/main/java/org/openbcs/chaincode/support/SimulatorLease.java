package org.openbcs.chaincode.support;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.openbcs.chaincode.ChaincodeException;

/**
 * Access to the caller's simulator for one top-level execution, shared by the chaincode and the
 * chaincodes it invokes. The simulator is single-threaded and owned by the caller: requests take
 * turns under one lock, and once {@link #revoke} returns (execute finished or timed out) no late
 * request of the chaincode can touch it again.
 */
final class SimulatorLease {
  private final String txId;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean revoked;

  SimulatorLease(String txId) {
    this.txId = txId;
  }

  <T> T use(Supplier<T> access) {
    lock.lock();
    try {
      if (revoked) {
        throw new ChaincodeException(
            "transaction " + txId + " is no longer executing (finished or timed out)");
      }
      return access.get();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a request that is using the simulator right now, then shuts the door. */
  void revoke() {
    lock.lock();
    try {
      revoked = true;
    } finally {
      lock.unlock();
    }
  }
}
