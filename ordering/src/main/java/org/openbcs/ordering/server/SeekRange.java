package org.openbcs.ordering.server;

import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekPosition;

/** The block numbers a SeekInfo asks for, resolved against the height at request time. */
record SeekRange(long start, long stop) {
  static SeekRange resolve(SeekPosition startPos, SeekPosition stopPos, long height) {
    long newest = Math.max(0, height - 1);
    long start =
        switch (startPos.getTypeCase()) {
          case OLDEST -> 0;
          case NEWEST -> newest;
          case SPECIFIED -> startPos.getSpecified().getNumber();
          case NEXT_COMMIT -> height;
          case TYPE_NOT_SET -> throw new RequestException(Status.BAD_REQUEST, "seek info has no start position");
        };
    long stop =
        switch (stopPos.getTypeCase()) {
          case OLDEST -> 0;
          case NEWEST -> startPos.hasNewest() ? start : newest;
          case SPECIFIED -> stopPos.getSpecified().getNumber();
          case NEXT_COMMIT -> height;
          case TYPE_NOT_SET -> throw new RequestException(Status.BAD_REQUEST, "seek info has no stop position");
        };
    if (start < 0) {
      throw new RequestException(Status.BAD_REQUEST, "start block number " + start + " is negative");
    }
    // Java clients send Long.MAX_VALUE as an unsigned uint64 -> negative long means "forever".
    if (stop < 0) {
      stop = Long.MAX_VALUE;
    }
    if (stop < start) {
      throw new RequestException(
          Status.BAD_REQUEST, "start number " + start + " greater than stop number " + stop);
    }
    return new SeekRange(start, stop);
  }
}
