package org.openbcs.chaincode;

/**
 * The chaincode could not be run: not defined or installed, not connected, timed out, or it
 * failed with an ERROR message. The message says which chaincode and why.
 */
public class ChaincodeException extends RuntimeException {
  public ChaincodeException(String message) {
    super(message);
  }

  public ChaincodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
