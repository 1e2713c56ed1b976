package io.xcluster.transport.nats;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One warning when something this process depends on (a cluster, the broker) starts failing, one
 * line when it works again — instead of a warning per message per retry while an outage lasts. The
 * failures in between are counted and logged at debug level.
 */
final class OutageLog {

  private final Logger log;
  private final String what;
  private final AtomicLong failuresSinceOk = new AtomicLong();

  /**
   * @param what what fails, e.g. "starting calls on eu-west"
   */
  OutageLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  void failed(String subject, Object problem) {
    if (failuresSinceOk.getAndIncrement() == 0) {
      log.warn(
          "{} fails ({}: {}); retrying with back-off, one line when it works again",
          what,
          subject,
          problem);
    } else {
      log.debug("{} still fails ({}: {})", what, subject, problem);
    }
  }

  void succeeded() {
    long failures = failuresSinceOk.getAndSet(0);
    if (failures > 0) {
      log.info("{} works again, after {} failed attempts", what, failures);
    }
  }

  /** Failed attempts since it last worked; 0 when all is well. */
  long failuresSinceOk() {
    return failuresSinceOk.get();
  }
}
