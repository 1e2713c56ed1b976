package io.xcluster.transport.bridge.callback;

import io.xcluster.port.call.CallRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this process handed over lately and whose outcome it has not delivered. The callback
 * mode holds nothing once a call is handed over, but a forced failover loses only what had not
 * replicated yet: starts from the last minute or so. Remembering the handovers of a window well
 * beyond that lets the failover repair re-check exactly the calls it may have lost, at a cost of
 * one entry (the call's request, its input included) per recent unanswered call.
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

  /** By call id, oldest first; a call handed over again moves to the end. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  private boolean toldFull;

  public RecentHandovers(Duration window) {
    this.windowNanos = window.toNanos();
  }

  /** Remembers that {@code request} was handed over now. */
  public synchronized void add(CallRequest request) {
    long now = System.nanoTime();
    dropOlderThanWindow(now);
    String callId = request.callId().value();
    entries.remove(callId);
    if (entries.size() >= MAX_ENTRIES) {
      entries.remove(entries.keySet().iterator().next());
      if (!toldFull) {
        toldFull = true;
        log.warn(
            "more than {} calls handed over in {} and not answered yet: the oldest are no longer"
                + " re-checked after a failover (the calling side's backstop still asks for them)",
            MAX_ENTRIES,
            Duration.ofNanos(windowNanos));
      }
    }
    entries.put(callId, new Entry(request, now));
  }

  /** Forgets a call whose outcome was delivered: a failover can no longer lose it. */
  public synchronized void forget(String callId) {
    entries.remove(callId);
  }

  /** The calls handed over within the window and not answered yet, oldest first. */
  public synchronized List<CallRequest> withinWindow() {
    dropOlderThanWindow(System.nanoTime());
    return entries.values().stream().map(Entry::request).toList();
  }

  private void dropOlderThanWindow(long now) {
    Iterator<Entry> oldestFirst = entries.values().iterator();
    while (oldestFirst.hasNext() && now - oldestFirst.next().atNanos() > windowNanos) {
      oldestFirst.remove();
    }
  }
}
