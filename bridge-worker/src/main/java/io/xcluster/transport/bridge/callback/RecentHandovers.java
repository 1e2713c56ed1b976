package io.xcluster.transport.bridge.callback;

import io.xcluster.port.call.CallRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this process handed over lately. The callback mode holds nothing once a call is handed
 * over, but a forced failover loses only what had not replicated yet: starts from the last minute
 * or so. Remembering the handovers of a window well beyond that lets the failover repair re-check
 * exactly the calls it may have lost, at a cost of one entry per recent start.
 */
public final class RecentHandovers {

  /**
   * Ten times Temporal Cloud's stated RPO ("under a minute"): replication lags beyond that are
   * outages.
   */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  /** At 100 starts a second, a 10-minute window holds 60,000: bounded well above that. */
  static final int MAX_ENTRIES = 200_000;

  private static final Logger log = LoggerFactory.getLogger(RecentHandovers.class);

  private record Entry(CallRequest request, long atNanos) {}

  private final long windowNanos;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private boolean toldFull;

  public RecentHandovers(Duration window) {
    this.windowNanos = window.toNanos();
  }

  /** Remembers that {@code request} was handed over now. */
  public synchronized void add(CallRequest request) {
    long now = System.nanoTime();
    dropOlderThanWindow(now);
    if (entries.size() >= MAX_ENTRIES) {
      entries.removeFirst();
      if (!toldFull) {
        toldFull = true;
        log.warn(
            "more than {} handovers in {}: the oldest are no longer re-checked after a failover"
                + " (the calling side's backstop still asks for them)",
            MAX_ENTRIES,
            Duration.ofNanos(windowNanos));
      }
    }
    entries.addLast(new Entry(request, now));
  }

  /** The calls handed over within the window, oldest first, each once. */
  public synchronized List<CallRequest> withinWindow() {
    dropOlderThanWindow(System.nanoTime());
    return entries.stream()
        .map(Entry::request)
        .collect(
            java.util.stream.Collectors.toMap(
                request -> request.callId().value(),
                request -> request,
                (first, again) -> first,
                java.util.LinkedHashMap::new))
        .values()
        .stream()
        .toList();
  }

  private void dropOlderThanWindow(long now) {
    while (!entries.isEmpty() && now - entries.peekFirst().atNanos() > windowNanos) {
      entries.removeFirst();
    }
  }
}
