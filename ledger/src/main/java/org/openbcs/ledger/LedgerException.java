package org.openbcs.ledger;

/**
 * The ledger rejected an operation on bad input (a block that does not follow, a malformed
 * envelope, an oversized block, a corrupted file) and stays usable. The message names the block,
 * the field and the reason.
 */
public class LedgerException extends RuntimeException {
  public LedgerException(String message) {
    super(message);
  }

  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
