package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An outage is one warning and one recovery line, however many retries it takes; retries back off
 * to 10 s.
 */
class OutageLogTest {

  @Test
  void aHundredFailedRetriesLogOneWarningAndTheRecoveryOneLine() {
    Logger logger = (Logger) LoggerFactory.getLogger("outage-log-test");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    OutageLog outage = new OutageLog(logger, "publishing outcomes");

    for (int i = 0; i < 100; i++) {
      outage.failed("call us-east:o-" + i + ":fulfillment", "timeout");
    }
    outage.succeeded();
    outage.succeeded();

    List<Level> levels =
        appender.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
            .map(ILoggingEvent::getLevel)
            .toList();
    assertEquals(List.of(Level.WARN, Level.INFO), levels);
    assertEquals(0, outage.failuresSinceOk());
  }

  @Test
  void retriesBackOffFromOneSecondToTenSeconds() {
    assertEquals(Duration.ofSeconds(1), RetryDelay.after(1));
    assertEquals(Duration.ofSeconds(2), RetryDelay.after(2));
    assertEquals(Duration.ofSeconds(8), RetryDelay.after(4));
    assertEquals(Duration.ofSeconds(10), RetryDelay.after(5));
    assertEquals(Duration.ofSeconds(10), RetryDelay.after(1_000_000));
  }
}
