package org.openbcs.fbft.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.FbftMessage.Proposal;

class MessageCodecTest {
  private static final UnaryOperator<byte[]> HASH = CryptoSuites.defaultSuite()::hash;
  private final MessageCodec codec = new MessageCodec(CodecLimits.defaults(), HASH);

  private static Block sampleBlock() {
    Block g = Block.genesis(HASH);
    QuorumCert qc = new QuorumCert(g.id(), 3, 0, List.of(new SignerSig(0, new byte[] {1, 2}), new SignerSig(2, new byte[] {3})));
    return Block.create(5, 1, qc, 1, List.of("a".getBytes(), new byte[0], "ccc".getBytes()), HASH);
  }

  private static TimeoutCert sampleTc() {
    return new TimeoutCert(4, List.of(new TimeoutSig(0, 3, true, new byte[] {9}), new TimeoutSig(1, 2, false, new byte[] {8, 7})));
  }

  /** A block after a failed round, recording its TC's evidence (R2.5). */
  private static Block blockWithEvidence() {
    Block b = sampleBlock();
    return Block.create(b.round(), b.height(), b.justify(), b.proposer(), b.payload(), TimeoutEvidence.of(sampleTc(), 4), HASH);
  }

  private static List<FbftMessage> samples() {
    Block b = sampleBlock();
    TimeoutCert tc = sampleTc();
    return List.of(
        new Proposal(b, Optional.of(tc), new byte[] {5, 5}),
        new Proposal(blockWithEvidence(), Optional.of(tc), new byte[] {5, 5}),
        new Proposal(b, Optional.empty(), new byte[0]),
        new FbftMessage.Vote(b.id(), 5, 1, 2, new byte[] {1}),
        new FbftMessage.Timeout(6, b.justify(), true, 3, new byte[] {4}),
        new FbftMessage.Timeout(6, b.justify(), false, 3, new byte[] {4}),
        new FbftMessage.CertForward(b.justify(), Optional.of(tc)),
        new FbftMessage.SyncRequest(b.id(), 7),
        new FbftMessage.SyncResponse(List.of(b, b)),
        new FbftMessage.CheckpointRequest(41),
        new FbftMessage.Checkpoint(41, 17, b.id(), 2, new byte[] {6, 6, 6}),
        new FbftMessage.Batch(2, 9, 40, List.of("x".getBytes(), new byte[0]), new byte[] {1, 2, 3}),
        new FbftMessage.Batch(0, 0, 0, List.of(), new byte[0]),
        new FbftMessage.BatchAck(b.id(), 3, new byte[] {4, 4}),
        new FbftMessage.BatchCert(b.id(), 2, 9, 40, 2, List.of(new SignerSig(2, new byte[] {1}), new SignerSig(0, new byte[] {2}))),
        new FbftMessage.BatchRequest(b.id()));
  }

  @Test
  void batchDigestCoversCreatorSeqAndEveryEnvelope() {
    List<byte[]> envs = List.of("a".getBytes(), "b".getBytes());
    Digest d = BatchDigest.of(1, 5, 7, envs, HASH);
    assertThat(BatchDigest.of(1, 5, 7, List.of("a".getBytes(), "b".getBytes()), HASH)).isEqualTo(d);
    assertThat(BatchDigest.of(2, 5, 7, envs, HASH)).isNotEqualTo(d);
    assertThat(BatchDigest.of(1, 6, 7, envs, HASH)).isNotEqualTo(d);
    assertThat(BatchDigest.of(1, 5, 8, envs, HASH)).isNotEqualTo(d);
    assertThat(BatchDigest.of(1, 5, 7, List.of("b".getBytes(), "a".getBytes()), HASH)).isNotEqualTo(d);
    // Length-prefixed: moving a byte between envelopes changes the digest.
    assertThat(BatchDigest.of(1, 5, 7, List.of("ab".getBytes(), new byte[0]), HASH)).isNotEqualTo(
        BatchDigest.of(1, 5, 7, List.of("a".getBytes(), "b".getBytes()), HASH));
  }

  @Test
  void aBatchCertificateWithAnOutOfRangeEnvelopeCountIsMalformed() {
    Block b = sampleBlock();
    byte[] bytes = codec.encode(new FbftMessage.BatchCert(b.id(), 2, 9, 40, -1, List.of()));
    assertThat(codec.decode(bytes)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
  }

  @Test
  void everyMessageRoundTrips() {
    for (FbftMessage m : samples()) {
      byte[] bytes = codec.encode(m);
      MessageCodec.Decoded d = codec.decode(bytes);
      assertThat(d).as(m.kind() + " " + d).isInstanceOf(MessageCodec.Decoded.Ok.class);
      FbftMessage back = ((MessageCodec.Decoded.Ok) d).message();
      assertThat(codec.encode(back)).as(m.kind()).isEqualTo(bytes);
      assertThat(back.kind()).isEqualTo(m.kind());
    }
  }

  @Test
  void decodedBlockIdIsRecomputed() {
    Block b = sampleBlock();
    Proposal p = (Proposal) ((MessageCodec.Decoded.Ok) codec.decode(codec.encode(new Proposal(b, Optional.empty(), new byte[0])))).message();
    assertThat(p.block().id()).isEqualTo(b.id());
  }

  @Test
  void evidenceIsPartOfTheIdAndSurvivesTheWire() {
    Block plain = sampleBlock();
    Block withEvidence = blockWithEvidence();
    assertThat(withEvidence.id()).isNotEqualTo(plain.id());
    assertThat(withEvidence.evidence().signed(0)).isTrue();
    assertThat(withEvidence.evidence().votedBy(0)).isTrue();
    assertThat(withEvidence.evidence().signed(1)).isTrue();
    assertThat(withEvidence.evidence().votedBy(1)).isFalse();
    assertThat(withEvidence.evidence().signerCount()).isEqualTo(2);
    Proposal back = (Proposal) ((MessageCodec.Decoded.Ok) codec.decode(
        codec.encode(new Proposal(withEvidence, Optional.of(sampleTc()), new byte[0])))).message();
    assertThat(back.block().evidence()).isEqualTo(withEvidence.evidence());
    assertThat(back.block().id()).isEqualTo(withEvidence.id());
    assertThat(back.tc().orElseThrow().timeouts().get(0).voted()).isTrue();
    assertThat(back.tc().orElseThrow().timeouts().get(1).voted()).isFalse();
  }

  @Test
  void blockIdsWithoutEvidenceAreThoseOfTheFormatBeforeProofs() {
    // Pinned from the version-1 id computation: WALs and peers hold such ids.
    Block g = Block.genesis(HASH);
    Block b = Block.create(1, 1, g.justify(), 1, List.of("x".getBytes()), HASH);
    assertThat(b.id().toString()).startsWith(LEGACY_ID_PREFIX);
  }

  /** The id prefix the code before proofs of blame computed for the block above. */
  private static final String LEGACY_ID_PREFIX = "65c0f11e76bf";

  @Test
  void version1CertificatesStillDecodeForOldWals() {
    byte[] v2 = codec.encode(new FbftMessage.CertForward(sampleBlock().justify(), Optional.empty()));
    byte[] v1 = v2.clone();
    v1[1] = 1;
    MessageCodec.Decoded d = codec.decode(v1);
    assertThat(d).isInstanceOf(MessageCodec.Decoded.Ok.class);
    assertThat(((FbftMessage.CertForward) ((MessageCodec.Decoded.Ok) d).message()).highQc().key())
        .isEqualTo(sampleBlock().justify().key());
    byte[] v3 = v2.clone();
    v3[1] = 3;
    assertThat(codec.decode(v3)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
  }

  @Test
  void aVotedFlagOtherThanZeroOrOneIsMalformed() {
    byte[] bytes = codec.encode(new FbftMessage.Timeout(6, sampleBlock().justify(), true, 3, new byte[] {4}));
    // The flag sits before sender (4 bytes), signature length (4) and signature (1).
    int flagAt = bytes.length - 1 - 4 - 4 - 1;
    assertThat(bytes[flagAt]).isEqualTo((byte) 1);
    bytes[flagAt] = 2;
    assertThat(codec.decode(bytes)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
  }

  @Test
  void everyTruncationIsMalformedNotAnException() {
    for (FbftMessage m : samples()) {
      byte[] bytes = codec.encode(m);
      for (int len = 0; len < bytes.length; len++) {
        assertThat(codec.decode(java.util.Arrays.copyOf(bytes, len))).isInstanceOf(MessageCodec.Decoded.Malformed.class);
      }
      byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
      assertThat(codec.decode(longer)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
    }
  }

  @Test
  void checkpointMessagesAreRecognisedByTheirHeaderAndMalformedOnesRefused() {
    for (FbftMessage m : samples()) {
      boolean checkpoint = m instanceof FbftMessage.CheckpointRequest || m instanceof FbftMessage.Checkpoint;
      assertThat(MessageCodec.isCheckpointMessage(codec.encode(m))).as(m.kind()).isEqualTo(checkpoint);
    }
    byte[] ckpt = codec.encode(new FbftMessage.Checkpoint(41, 17, sampleBlock().id(), 2, new byte[] {6}));
    byte[] negative = ckpt.clone();
    negative[3] = (byte) 0x80; // height < 0
    assertThat(codec.decode(negative)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
    byte[] hugeSignature = ckpt.clone();
    // The signature length field sits right before the last signature byte.
    int lengthAt = ckpt.length - 1 - 4;
    hugeSignature[lengthAt] = 0x7F;
    assertThat(codec.decode(hugeSignature)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
    assertThat(MessageCodec.isCheckpointMessage(new byte[] {(byte) 0xFB, 1})).isFalse();
  }

  @Test
  void hugeDeclaredCountsAreRefusedBeforeAllocation() {
    byte[] bytes = codec.encode(new FbftMessage.SyncResponse(List.of()));
    // Patch the block count to 2^31-1.
    bytes[3] = 0x7F;
    bytes[4] = (byte) 0xFF;
    bytes[5] = (byte) 0xFF;
    bytes[6] = (byte) 0xFF;
    assertThat(codec.decode(bytes)).isInstanceOf(MessageCodec.Decoded.Malformed.class);
  }

  @Property(tries = 300)
  void randomBytesNeverThrow(@ForAll @Size(max = 300) byte[] junk) {
    assertThat(codec.decode(junk)).isNotNull();
  }

  @Property(tries = 300)
  void bitFlipsNeverThrow(@ForAll int position, @ForAll byte value) {
    for (FbftMessage m : samples()) {
      byte[] bytes = codec.encode(m);
      bytes[Math.floorMod(position, bytes.length)] ^= (byte) (value | 1);
      assertThat(codec.decode(bytes)).isNotNull();
    }
  }
}
