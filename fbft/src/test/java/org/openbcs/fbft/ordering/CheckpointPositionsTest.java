package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.CodecLimits;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.sim.SimAuthenticator;

/** Ledger positions an orderer vouches for (R3.8): floor lookup, gaps, and survival across restarts. */
class CheckpointPositionsTest {
  private static final String CHANNEL = "ch";
  private final SimAuthenticator[] auth = SimAuthenticator.forNetwork(4, 7);
  private final MessageCodec codec = new MessageCodec(CodecLimits.defaults(), CryptoSuites.defaultSuite()::hash);
  private final List<FbftMessage> sent = new ArrayList<>();

  @TempDir Path dir;

  private static Digest tip(int i) {
    byte[] b = new byte[Digest.LENGTH];
    b[0] = (byte) i;
    b[1] = 42;
    return Digest.of(b);
  }

  private CheckpointExchange exchange() {
    return new CheckpointExchange(CHANNEL, 4, 1, auth[0], codec,
        (to, bytes) -> sent.add(((MessageCodec.Decoded.Ok) codec.decode(bytes)).message()), new TransferCounters());
  }

  @Test
  void emptyHeightsAnswerWithTheLastChangeAndNothingBeyondTheAppliedHeight() {
    CheckpointExchange x = exchange();
    x.startAt(CheckpointLog.open(dir.resolve("cp"), 16), 10, 3, tip(3));
    for (long h = 11; h <= 30; h++) {
      long ledger = h == 15 ? 4 : h >= 15 && h < 25 ? 4 : h >= 25 ? 5 : 3;
      x.record(h, ledger, tip((int) ledger));
    }
    assertThat(x.at(9)).isEmpty(); // before anything this orderer knows
    assertThat(x.at(10)).contains(new CheckpointExchange.Position(3, tip(3)));
    assertThat(x.at(14)).contains(new CheckpointExchange.Position(3, tip(3)));
    assertThat(x.at(15)).contains(new CheckpointExchange.Position(4, tip(4)));
    assertThat(x.at(24)).contains(new CheckpointExchange.Position(4, tip(4)));
    assertThat(x.at(30)).contains(new CheckpointExchange.Position(5, tip(5)));
    assertThat(x.at(31)).isEmpty(); // not applied yet: never a guess
  }

  @Test
  void positionsSurviveARestartAndAnsweredRequestsAreSigned() {
    CheckpointExchange before = exchange();
    before.startAt(CheckpointLog.open(dir.resolve("cp"), 16), 0, 1, tip(1));
    before.record(5, 2, tip(2));
    before.record(9, 3, tip(3));
    before.record(12, 3, tip(3));

    CheckpointExchange after = exchange();
    after.startAt(CheckpointLog.open(dir.resolve("cp"), 16), 12, 3, tip(3));
    assertThat(after.at(7)).contains(new CheckpointExchange.Position(2, tip(2)));
    assertThat(after.at(12)).contains(new CheckpointExchange.Position(3, tip(3)));

    after.offer(2, codec.encode(new FbftMessage.CheckpointRequest(7)), 1_000);
    assertThat(sent).singleElement().isInstanceOfSatisfying(FbftMessage.Checkpoint.class, c -> {
      assertThat(c.ledgerHeight()).isEqualTo(2);
      assertThat(c.signer()).isZero();
    });
  }

  @Test
  void heightsWhoseRecordsACrashLostBecomeUnknownNotWrong() {
    CheckpointExchange before = exchange();
    before.startAt(CheckpointLog.open(dir.resolve("cp"), 16), 0, 1, tip(1));
    before.record(5, 2, tip(2));
    // The ledger then grew to 4 blocks by height 20 but the records of heights 8 and 14 were lost.

    CheckpointExchange after = exchange();
    after.startAt(CheckpointLog.open(dir.resolve("cp"), 16), 20, 4, tip(4));
    assertThat(after.at(5)).contains(new CheckpointExchange.Position(2, tip(2)));
    assertThat(after.at(6)).isEmpty();
    assertThat(after.at(19)).isEmpty();
    assertThat(after.at(20)).contains(new CheckpointExchange.Position(4, tip(4)));

    // The gap itself is persisted: a second restart does not forget it.
    CheckpointExchange again = exchange();
    again.startAt(CheckpointLog.open(dir.resolve("cp"), 16), 20, 4, tip(4));
    assertThat(again.at(10)).isEmpty();
    assertThat(again.at(5)).contains(new CheckpointExchange.Position(2, tip(2)));
  }

  @Test
  void aTornTailIsCutAndLaterAppendsFollowTheValidRecords() throws Exception {
    Path file = dir.resolve("cp");
    CheckpointExchange before = exchange();
    before.startAt(CheckpointLog.open(file, 16), 0, 1, tip(1));
    before.record(5, 2, tip(2));
    long valid = Files.size(file);
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);

    CheckpointLog.Opened opened = CheckpointLog.open(file, 16);
    assertThat(opened.entries()).extracting(CheckpointLog.Entry::fbftHeight).containsExactly(0L, 5L);
    assertThat(Files.size(file)).isEqualTo(valid);
    CheckpointExchange after = exchange();
    after.startAt(opened, 9, 3, tip(3));
    assertThat(CheckpointLog.open(file, 16).entries()).extracting(CheckpointLog.Entry::fbftHeight)
        .containsExactly(0L, 5L, 6L, 9L);

    // A flipped bit in the middle ends the valid prefix there.
    byte[] all = Files.readAllBytes(file);
    all[CheckpointLog.RECORD_BYTES + 3] ^= 1;
    Files.write(file, all);
    assertThat(CheckpointLog.open(file, 16).entries()).hasSize(1);
  }

  @Test
  void theLogIsCompactedToTheNewestPositions() throws Exception {
    Path file = dir.resolve("cp");
    CheckpointExchange x = exchange();
    x.startAt(CheckpointLog.open(file, 4), 0, 1, tip(1));
    for (int i = 1; i <= 20; i++) {
      x.record(i, 1 + i, tip(1 + i));
    }
    assertThat(Files.size(file)).isLessThanOrEqualTo(8L * CheckpointLog.RECORD_BYTES);
    List<CheckpointLog.Entry> entries = CheckpointLog.open(file, 4).entries();
    assertThat(entries.get(entries.size() - 1)).isEqualTo(new CheckpointLog.Entry(20, 21, tip(21)));
    assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).remaining() % CheckpointLog.RECORD_BYTES).isZero();
  }

  @Test
  void positionsBeyondTheAppliedHeightAreDroppedFromTheFile() {
    Path file = dir.resolve("cp");
    CheckpointExchange before = exchange();
    before.startAt(CheckpointLog.open(file, 16), 0, 1, tip(1));
    before.record(30, 2, tip(2));

    CheckpointExchange after = exchange();
    after.startAt(CheckpointLog.open(file, 16), 20, 1, tip(1));
    assertThat(after.at(20)).contains(new CheckpointExchange.Position(1, tip(1)));
    assertThat(CheckpointLog.open(file, 16).entries()).extracting(CheckpointLog.Entry::fbftHeight)
        .doesNotContain(30L);
    after.record(30, 5, tip(5));
    assertThat(after.at(30)).isEqualTo(Optional.of(new CheckpointExchange.Position(5, tip(5))));
  }
}
