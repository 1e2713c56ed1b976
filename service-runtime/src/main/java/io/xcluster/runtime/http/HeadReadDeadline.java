package io.xcluster.runtime.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose request headers are not complete within the head deadline. Jetty reads
 * headers without a thread, but its idle timeout restarts with every byte, so a client that drips
 * one byte every few seconds would keep a connection slot for hours: this bounds it.
 *
 * <p>A connection counts as reading a head from its first byte of a request, or from its opening
 * until its first request; between requests the idle timeout alone applies.
 */
final class HeadReadDeadline implements Runnable {

  private record Watch(long messagesIn, long sinceNanos) {}

  private final AbstractConnector connector;
  private final Scheduler scheduler;
  private final long deadlineNanos;
  private final long sweepMillis;
  private final Map<EndPoint, Watch> reading = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  HeadReadDeadline(AbstractConnector connector, Scheduler scheduler, Duration deadline) {
    this.connector = connector;
    this.scheduler = scheduler;
    this.deadlineNanos = deadline.toNanos();
    this.sweepMillis = Math.max(50, Math.min(1_000, deadline.toMillis() / 5));
  }

  void start() {
    scheduler.schedule(this, sweepMillis, TimeUnit.MILLISECONDS);
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    if (stopped) {
      return;
    }
    try {
      sweep(System.nanoTime());
    } finally {
      scheduler.schedule(this, sweepMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void sweep(long now) {
    reading.keySet().retainAll(connector.getConnectedEndPoints());
    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
      if (!(endPoint.getConnection() instanceof HttpConnection http) || !readingHead(http)) {
        reading.remove(endPoint);
        continue;
      }
      Watch watch = reading.get(endPoint);
      if (watch == null || watch.messagesIn() != http.getMessagesIn()) {
        reading.put(endPoint, new Watch(http.getMessagesIn(), now));
      } else if (now - watch.sinceNanos() > deadlineNanos) {
        reading.remove(endPoint);
        endPoint.close(
            new TimeoutException("request headers not complete within the head deadline"));
      }
    }
  }

  private static boolean readingHead(HttpConnection http) {
    HttpParser parser = http.getParser();
    return parser.inHeaderState() && (!parser.isStart() || http.getMessagesIn() == 0);
  }
}
