package org.openbcs.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {
  @Test
  void scopesNestAndRestoreThePreviousContext() {
    try (LogContext.Scope channel = LogContext.channel("mychannel")) {
      assertThat(MDC.get(LogContext.CHANNEL)).isEqualTo("mychannel");
      assertThat(MDC.get(LogContext.BLOCK)).isNull();
      try (LogContext.Scope block = LogContext.block("mychannel", 7)) {
        assertThat(MDC.get(LogContext.BLOCK)).isEqualTo("7");
        try (LogContext.Scope tx = LogContext.tx("other", "abc")) {
          assertThat(MDC.get(LogContext.CHANNEL)).isEqualTo("other");
          assertThat(MDC.get(LogContext.BLOCK)).isEqualTo("7");
          assertThat(MDC.get(LogContext.TX_ID)).isEqualTo("abc");
        }
        assertThat(MDC.get(LogContext.CHANNEL)).isEqualTo("mychannel");
        assertThat(MDC.get(LogContext.TX_ID)).isNull();
      }
      assertThat(MDC.get(LogContext.BLOCK)).isNull();
    }
    assertThat(MDC.getCopyOfContextMap()).doesNotContainKeys(LogContext.CHANNEL, LogContext.BLOCK, LogContext.TX_ID);
  }

  @Test
  void aTxIdLearnedLaterIsAddedAndRemovedWithTheScope() {
    try (LogContext.Scope scope = LogContext.channel("c").withTx("t1")) {
      assertThat(MDC.get(LogContext.TX_ID)).isEqualTo("t1");
    }
    assertThat(MDC.get(LogContext.TX_ID)).isNull();
  }
}
