package org.openbcs.identity.ca;

/**
 * A CA operation failed (missing or existing files, wrong issuer, bad arguments); the message says
 * which.
 */
public class CaException extends RuntimeException {
  public CaException(String message) {
    super(message);
  }

  public CaException(String message, Throwable cause) {
    super(message, cause);
  }
}
