package org.openbcs.ordering.server;

import org.hyperledger.fabric.protos.common.Status;

/** A Broadcast or Deliver request was refused; {@link #status()} goes back to the client. */
final class RequestException extends RuntimeException {
  private final Status status;

  RequestException(Status status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  Status status() {
    return status;
  }
}
