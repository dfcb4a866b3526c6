package org.openbcs.identity;

/**
 * An identity was rejected. The message names the reason precisely, e.g. "unknown MSP 'X'",
 * "certificate expired at 2026-01-01T00:00:00Z", "certificate revoked by Org1MSP CRL".
 */
public class IdentityException extends RuntimeException {
  public IdentityException(String message) {
    super(message);
  }

  public IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
