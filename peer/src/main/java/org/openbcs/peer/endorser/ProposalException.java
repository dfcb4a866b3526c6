package org.openbcs.peer.endorser;

import io.grpc.Status;

/**
 * A proposal or gateway request was refused. {@code code} is the gRPC status a client sees; the
 * message uses Fabric's wording where Fabric has one.
 */
public final class ProposalException extends RuntimeException {
  private final Status.Code code;

  public ProposalException(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public ProposalException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public static ProposalException invalid(String format, Object... args) {
    return new ProposalException(Status.Code.INVALID_ARGUMENT, String.format(format, args));
  }

  public Status.Code code() {
    return code;
  }
}
