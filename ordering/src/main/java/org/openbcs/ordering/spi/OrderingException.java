package org.openbcs.ordering.spi;

import org.hyperledger.fabric.protos.common.Status;

/**
 * Ordering refused a message. {@link #status()} is what Broadcast answers (SERVICE_UNAVAILABLE for
 * back-pressure or a halted chain, BAD_REQUEST for a message the consenter cannot take).
 */
public final class OrderingException extends RuntimeException {
  private final Status status;

  public OrderingException(Status status, String message) {
    super(message);
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
