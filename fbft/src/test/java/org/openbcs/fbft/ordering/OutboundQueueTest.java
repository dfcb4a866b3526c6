package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final OutboundQueue queue = new OutboundQueue(4, 100, now::get);

  private static byte[] frame(int i) {
    return new byte[] {(byte) i};
  }

  @Test
  void framesOlderThanTheBoundAreDiscardedAndOnlyFreshOnesAreSent() throws Exception {
    queue.offer(frame(1));
    queue.offer(frame(2));
    now.addAndGet(60);
    queue.offer(frame(3));
    now.addAndGet(60); // 1 and 2 are 120 ms old, 3 is 60 ms old

    OutboundQueue.Pending next = queue.take();
    assertThat(next.frame()).containsExactly(3);
    assertThat(queue.droppedStale()).isEqualTo(2);
    assertThat(queue.size()).isZero();
  }

  @Test
  void aFrameRetriedPastTheBoundExpires() throws Exception {
    queue.offer(frame(1));
    OutboundQueue.Pending p = queue.take();
    assertThat(queue.expired(p)).isFalse();
    now.addAndGet(101);
    assertThat(queue.expired(p)).isTrue();
    assertThat(queue.droppedStale()).isEqualTo(1);
  }

  @Test
  void aFullQueueDropsItsOldestFrame() throws Exception {
    for (int i = 1; i <= 6; i++) {
      queue.offer(frame(i));
    }
    assertThat(queue.droppedFull()).isEqualTo(2);
    assertThat(queue.take().frame()).containsExactly(3);
  }

  @Test
  void takeWaitsForAFrameAndCloseReleasesIt() throws Exception {
    CompletableFuture<OutboundQueue.Pending> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    queue.offer(frame(7));
    assertThat(waiting.get(10, TimeUnit.SECONDS).frame()).containsExactly(7);

    CompletableFuture<OutboundQueue.Pending> closing = CompletableFuture.supplyAsync(() -> {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    queue.close();
    assertThat(closing.get(10, TimeUnit.SECONDS)).isNull();
    queue.offer(frame(8));
    assertThat(queue.size()).isZero();
  }
}
