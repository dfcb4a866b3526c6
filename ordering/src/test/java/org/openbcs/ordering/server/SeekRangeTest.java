package org.openbcs.ordering.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekNewest;
import org.hyperledger.fabric.protos.orderer.SeekNextCommit;
import org.hyperledger.fabric.protos.orderer.SeekOldest;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;
import org.junit.jupiter.api.Test;

class SeekRangeTest {
  static SeekPosition oldest() {
    return SeekPosition.newBuilder().setOldest(SeekOldest.getDefaultInstance()).build();
  }

  static SeekPosition newest() {
    return SeekPosition.newBuilder().setNewest(SeekNewest.getDefaultInstance()).build();
  }

  static SeekPosition nextCommit() {
    return SeekPosition.newBuilder().setNextCommit(SeekNextCommit.getDefaultInstance()).build();
  }

  static SeekPosition specified(long n) {
    return SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(n)).build();
  }

  @Test
  void resolvesPositionsAgainstHeight() {
    assertThat(SeekRange.resolve(oldest(), newest(), 5)).isEqualTo(new SeekRange(0, 4));
    assertThat(SeekRange.resolve(newest(), newest(), 5)).isEqualTo(new SeekRange(4, 4));
    assertThat(SeekRange.resolve(nextCommit(), specified(9), 5)).isEqualTo(new SeekRange(5, 9));
    assertThat(SeekRange.resolve(specified(2), specified(2), 5)).isEqualTo(new SeekRange(2, 2));
  }

  @Test
  void javaClientsForeverStopMeansNoEnd() {
    assertThat(SeekRange.resolve(oldest(), specified(-1), 3).stop()).isEqualTo(Long.MAX_VALUE);
    assertThat(SeekRange.resolve(oldest(), specified(Long.MAX_VALUE), 3).stop()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsStopBeforeStartAndMissingPositions() {
    assertThatThrownBy(() -> SeekRange.resolve(specified(3), specified(2), 5))
        .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST))
        .hasMessage("start number 3 greater than stop number 2");
    assertThatThrownBy(() -> SeekRange.resolve(SeekPosition.getDefaultInstance(), newest(), 5))
        .hasMessage("seek info has no start position");
  }
}
