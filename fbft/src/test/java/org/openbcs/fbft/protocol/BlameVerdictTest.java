package org.openbcs.fbft.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbcs.fbft.message.TimeoutCert;
import org.openbcs.fbft.message.TimeoutEvidence;
import org.openbcs.fbft.message.TimeoutSig;
import org.openbcs.fbft.protocol.BlameVerdict.Blame;

/**
 * R2.5, exhaustively for n = 4 and 7: over every TC signer set, every set of at most f Byzantine
 * signers and every choice of their bits, f false bits never turn the honest signers' unanimous
 * statement into a verdict against an honest replica.
 */
class BlameVerdictTest {

  private static TimeoutEvidence evidence(int n, int signerMask, int votedMask) {
    List<TimeoutSig> sigs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if ((signerMask & (1 << i)) != 0) {
        sigs.add(new TimeoutSig(i, 0, (votedMask & (1 << i)) != 0, new byte[0]));
      }
    }
    return TimeoutEvidence.of(new TimeoutCert(1, sigs), n);
  }

  @Test
  void falseBitsNeverFrameAnHonestProposerOrSpareADeadOne() {
    for (int n : new int[] {4, 7}) {
      int f = (n - 1) / 3;
      int checked = 0;
      for (int signers = 0; signers < 1 << n; signers++) {
        if (Integer.bitCount(signers) < n - f) {
          continue;
        }
        for (int byz = 0; byz < 1 << n; byz++) {
          if (Integer.bitCount(byz) > f) {
            continue;
          }
          int byzSigners = byz & signers;
          // Every pattern of bits the Byzantine signers may choose.
          for (int lies = 0; lies < 1 << n; lies++) {
            if ((lies & ~byzSigners) != 0) {
              continue;
            }
            for (int proposer = 0; proposer < n; proposer++) {
              int aggregator = (proposer + 1) % n;
              boolean proposerHonest = (byz & (1 << proposer)) == 0;
              // Honest proposer after GST: every honest signer accepted its proposal.
              int allHonestVoted = (signers & ~byz) | lies;
              Blame b = BlameVerdict.of(evidence(n, signers, allHonestVoted), proposer, aggregator, n, f);
              if (proposerHonest) {
                assertThat(b).as("n=%d signers=%s byz=%s lies=%s proposer=%d", n, Integer.toBinaryString(signers),
                    Integer.toBinaryString(byz), Integer.toBinaryString(lies), proposer).isNotEqualTo(Blame.PROPOSER);
              }
              // A proposer that reached no honest replica is blamed whatever the Byzantine signers say.
              Blame silent = BlameVerdict.of(evidence(n, signers, lies), proposer, aggregator, n, f);
              assertThat(silent).as("n=%d signers=%s lies=%s", n, Integer.toBinaryString(signers),
                  Integer.toBinaryString(lies)).isEqualTo(Blame.PROPOSER);
              checked++;
            }
          }
        }
      }
      assertThat(checked).isGreaterThan(100);
    }
  }

  @Test
  void aProposerThatTimedOutAfterReachingAnHonestVoterExposesTheAggregator() {
    // n = 4, f = 1: signers 1, 2, 3 voted; the proposer 3 signed, so the aggregator 0 is blamed.
    assertThat(BlameVerdict.of(evidence(4, 0b1110, 0b1110), 3, 0, 4, 1)).isEqualTo(Blame.AGGREGATOR);
    // A lying signer cannot pull the count to f or below on its own.
    assertThat(BlameVerdict.of(evidence(4, 0b1110, 0b0110), 3, 0, 4, 1)).isEqualTo(Blame.AGGREGATOR);
  }

  @Test
  void aProposerCutOffMidBroadcastIsNotProvenAndItsAggregatorIsNotBlamed() {
    // Proposer 0 crashed after reaching 1 and 2 but not 3: two voted, the proposer did not sign.
    assertThat(BlameVerdict.of(evidence(4, 0b1110, 0b0110), 0, 1, 4, 1)).isEqualTo(Blame.NONE);
    // Reaching only one replica is proven against it.
    assertThat(BlameVerdict.of(evidence(4, 0b1110, 0b0010), 0, 1, 4, 1)).isEqualTo(Blame.PROPOSER);
  }

  @Test
  void evidenceWithoutAQuorumOrMalformedProvesNothing() {
    assertThat(BlameVerdict.of(evidence(4, 0b0110, 0b0000), 0, 1, 4, 1)).isEqualTo(Blame.NONE);
    assertThat(BlameVerdict.of(TimeoutEvidence.NONE, 0, 1, 4, 1)).isEqualTo(Blame.NONE);
    // Voted but not a signer, and a bit beyond n.
    assertThat(BlameVerdict.of(new TimeoutEvidence(new byte[] {0b0111}, new byte[] {0b1000}), 0, 1, 4, 1))
        .isEqualTo(Blame.NONE);
    assertThat(BlameVerdict.of(new TimeoutEvidence(new byte[] {0b10111}, new byte[] {0}), 0, 1, 4, 1))
        .isEqualTo(Blame.NONE);
  }
}
