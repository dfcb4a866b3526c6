package org.openbcs.fbft.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.message.SignerSig;

class WalTest {
  private static final UnaryOperator<byte[]> HASH = CryptoSuites.defaultSuite()::hash;
  private static final Digest A = Digest.of(HASH.apply("a".getBytes()));
  private static final QuorumCert QC = new QuorumCert(A, 7, 3, List.of(new SignerSig(0, new byte[] {1}), new SignerSig(1, new byte[] {2})));

  @Test
  void fileWalSurvivesReopenAndIgnoresATornTail(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("fbft.wal");
    try (FileWal wal = new FileWal(file, HASH)) {
      assertThat(wal.recover()).isEqualTo(WalState.EMPTY);
      wal.append(new WalRecord.HighQc(QC));
      wal.append(new WalRecord.Voted(8, A));
      wal.append(new WalRecord.Committed(2, 6, A));
      wal.sync();
    }
    // A crash in the middle of an append leaves half a frame.
    Files.write(file, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
    try (FileWal wal = new FileWal(file, HASH)) {
      WalState s = wal.recover();
      assertThat(s.lastVotedRound()).isEqualTo(8);
      assertThat(s.highQc().map(QuorumCert::key)).contains(QC.key());
      assertThat(s.committedHeight()).isEqualTo(2);
      assertThat(s.committedBlockId()).contains(A);
      wal.append(new WalRecord.TimedOut(9));
      wal.sync();
    }
    try (FileWal wal = new FileWal(file, HASH)) {
      assertThat(wal.recover().lastVotedRound()).isEqualTo(9);
      assertThat(wal.recover().highQc().map(QuorumCert::key)).contains(QC.key());
    }
  }

  @Test
  void votedBlocksWithTheirBatchesAndCommittedRefsSurviveReopenAndCompaction(@TempDir Path dir) {
    Path file = dir.resolve("fbft.wal");
    Block genesis = Block.genesis(HASH);
    Block b3 = Block.create(8, 3, QC, 1, List.of(new byte[] {9, 9}), HASH);
    Block b4 = Block.create(9, 4, new QuorumCert(b3.id(), 8, 3, List.of()), 2, List.of(new byte[] {7}), HASH);
    FbftMessage.Batch batch = new FbftMessage.Batch(2, 5, 1, List.of(new byte[] {1, 2, 3}), new byte[] {4});
    Digest d = Digest.of(HASH.apply("batch".getBytes()));
    try (FileWal wal = new FileWal(file, HASH)) {
      wal.append(new WalRecord.CommittedRefs(1, List.of(d), false));
      wal.append(new WalRecord.Committed(2, 6, genesis.id()));
      wal.append(new WalRecord.VotedBlock(b3, List.of(batch)));
      wal.append(new WalRecord.Voted(8, b3.id()));
      wal.append(new WalRecord.VotedBlock(b4, List.of()));
      wal.append(new WalRecord.Voted(9, b4.id()));
      wal.sync();
    }
    // Reopening compacts the file to a checkpoint; open it twice so the checkpoint is read back too.
    for (int reopen = 0; reopen < 2; reopen++) {
      try (FileWal wal = new FileWal(file, HASH)) {
        WalState s = wal.recover();
        assertThat(s.votedBlocks()).extracting(vb -> vb.block().id()).containsExactly(b3.id(), b4.id());
        assertThat(s.votedBlocks().get(0).block().payload()).singleElement().isEqualTo(new byte[] {9, 9});
        FbftMessage.Batch back = s.votedBlocks().get(0).batches().get(0);
        assertThat(back.creator()).isEqualTo(2);
        assertThat(back.envelopes()).singleElement().isEqualTo(new byte[] {1, 2, 3});
        assertThat(s.committedRefs()).singleElement().satisfies(cr -> {
          assertThat(cr.height()).isEqualTo(1);
          assertThat(cr.digests()).containsExactly(d);
        });
      }
    }
  }

  @Test
  void votedBlocksAtOrBelowTheCommittedHeightAreNotKept() {
    Block b3 = Block.create(8, 3, QC, 1, List.of(), HASH);
    WalState s = WalState.replay(List.of(new WalRecord.VotedBlock(b3, List.of()),
        new WalRecord.Committed(3, 8, b3.id()), new WalRecord.CommittedRefs(9, List.of(A), false)));
    assertThat(s.votedBlocks()).isEmpty();
    // A reference record above the committed height lost its Committed record with the tail.
    assertThat(s.committedRefs()).isEmpty();
  }

  @Test
  void memoryWalLosesOnlyTheUnsyncedTail() {
    MemoryWal wal = new MemoryWal();
    wal.append(new WalRecord.Voted(3, A));
    wal.sync();
    wal.append(new WalRecord.Voted(4, Block.genesis(HASH).id()));
    wal.crash(true);
    assertThat(wal.recover().lastVotedRound()).isEqualTo(3);
    wal.append(new WalRecord.TimedOut(5));
    wal.crash(false);
    assertThat(wal.recover().lastVotedRound()).isEqualTo(5);
  }

  @Test
  void replayTakesTheMaximumOfEachField() {
    QuorumCert low = new QuorumCert(A, 2, 1, List.of());
    WalState s = WalState.replay(List.of(new WalRecord.HighQc(QC), new WalRecord.HighQc(low),
        new WalRecord.Voted(9, A), new WalRecord.TimedOut(4), new WalRecord.Committed(5, 5, A), new WalRecord.Committed(3, 3, A)));
    assertThat(s.highQc().map(QuorumCert::key)).contains(QC.key());
    assertThat(s.lastVotedRound()).isEqualTo(9);
    assertThat(s.committedHeight()).isEqualTo(5);
  }
}
