package org.openbcs.crypto.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.crypto.SignatureVerifier.Request;

@Timeout(60)
class ParallelSignatureVerifierTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  private final KeyPair alice = suite.generateKeyPair();
  private final KeyPair bob = suite.generateKeyPair();
  private ParallelSignatureVerifier verifier = SignatureVerifiers.create(suite, 2, 1_000);

  @AfterEach
  void close() {
    verifier.close();
  }

  private Request signed(KeyPair signer, KeyPair claimed, String message) {
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    return new Request(claimed.getPublic(), m, suite.sign(signer.getPrivate(), m));
  }

  @Test
  void batchResultsComeBackInRequestOrder() {
    List<Request> requests = new ArrayList<>();
    boolean[] expected = new boolean[101];
    for (int i = 0; i < expected.length; i++) {
      boolean valid = i % 3 != 1;
      expected[i] = valid;
      requests.add(signed(alice, valid ? alice : bob, "tx " + i));
    }
    assertThat(verifier.verifyAll(requests)).isEqualTo(expected);
    assertThat(verifier.cacheMisses()).isEqualTo(101);
  }

  @Test
  void repeatedTripleIsAnsweredFromTheCache() {
    Request good = signed(alice, alice, "endorse");
    assertThat(verifier.verify(good)).isTrue();
    assertThat(verifier.stats()).isEqualTo(new ParallelSignatureVerifier.Stats(0, 1, 1));

    // An equal triple in fresh arrays and a fresh (equal) key object hits too.
    Request copy =
        new Request(suite.decodePublicKey(alice.getPublic().getEncoded()), good.message().clone(), good.signature().clone());
    assertThat(verifier.verifyAll(List.of(copy, good))).containsExactly(true, true);
    assertThat(verifier.cacheHits()).isEqualTo(2);
    assertThat(verifier.cacheMisses()).isEqualTo(1);
  }

  @Test
  void ownSignatureRememberedIsAHitWithoutVerifying() {
    Request own = signed(alice, alice, "my endorsement");
    verifier.remember(own);
    assertThat(verifier.verify(own)).isTrue();
    assertThat(verifier.stats()).isEqualTo(new ParallelSignatureVerifier.Stats(1, 0, 1));
    // Remembering one triple says nothing about another signature over the same message.
    Request other = signed(bob, alice, "my endorsement");
    assertThat(verifier.verify(other)).isFalse();
  }

  @Test
  void wrongSignaturesAreFalseAndNotRemembered() {
    Request forged = signed(bob, alice, "transfer");
    Request otherMessage =
        new Request(alice.getPublic(), "transfer all".getBytes(StandardCharsets.UTF_8), signed(alice, alice, "transfer").signature());
    Request garbage = new Request(alice.getPublic(), new byte[] {1}, new byte[] {0x30, 0x00});
    Request nulls = new Request(null, null, null);

    for (int round = 0; round < 2; round++) {
      assertThat(verifier.verifyAll(List.of(forged, otherMessage, garbage))).containsExactly(false, false, false);
      assertThat(verifier.verify(nulls)).isFalse();
    }
    assertThat(verifier.cacheHits()).isZero();
    assertThat(verifier.cacheMisses()).isEqualTo(6);
    assertThat(verifier.stats().cacheSize()).isZero();
  }

  @Test
  void triplesDifferingOnlyInTheSplitBetweenPartsDoNotCollide() {
    TripleDigest a = TripleDigest.of(alice.getPublic(), new byte[] {1, 2}, new byte[] {3});
    TripleDigest b = TripleDigest.of(alice.getPublic(), new byte[] {1}, new byte[] {2, 3});
    assertThat(a).isNotEqualTo(b);
    assertThat(TripleDigest.of(alice.getPublic(), new byte[] {1}, new byte[] {2, 3})).isEqualTo(b);
  }

  @Test
  void cacheStaysWithinItsBound() {
    verifier.close();
    verifier = SignatureVerifiers.create(suite, 2, 10);
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      requests.add(signed(alice, alice, "m" + i));
    }
    boolean[] results = verifier.verifyAll(requests);
    for (boolean r : results) {
      assertThat(r).isTrue();
    }
    assertThat(verifier.stats().cacheSize()).isEqualTo(10);
    // The most recent entries are the ones kept.
    assertThat(verifier.verify(requests.get(24))).isTrue();
    assertThat(verifier.cacheHits()).isEqualTo(1);
  }

  @Test
  void largeBatchesUseThePoolAndTheCaller() {
    Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
    CryptoSuite recording = new ThreadRecordingSuite(suite, threadsSeen);
    try (ParallelSignatureVerifier parallel = SignatureVerifiers.create(recording, 2, 0)) {
      List<Request> requests = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        requests.add(signed(alice, alice, "block tx " + i));
      }
      boolean[] results = parallel.verifyAll(requests);
      assertThat(results).doesNotContain(false);
      assertThat(parallel.stats().cacheSize()).isZero(); // cache off
      assertThat(threadsSeen).contains(Thread.currentThread().getName());
      assertThat(threadsSeen).anyMatch(n -> n.startsWith("openbcs-sigverify-"));
    }
  }

  @Test
  void stillVerifiesAfterClose() {
    verifier.close();
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(signed(alice, alice, "after close " + i));
    }
    assertThat(verifier.verifyAll(requests)).doesNotContain(false);
  }
}
