package io.xcluster.runtime.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the route for a path, reads the body without a thread (Jetty's demand callbacks) within the
 * body deadline and size limit, then runs the route on its own pool and writes its reply. Only a
 * complete request ever reaches a route's threads: a client that stalls mid-body costs a connection
 * slot until the deadline, and a 408, never a worker.
 */
final class RouteDispatcher extends Handler.Abstract.NonBlocking {

  private static final Logger log = LoggerFactory.getLogger(RouteDispatcher.class);

  /**
   * A route and where it answers.
   *
   * @param andBelow true when it also answers every path below {@code path} ({@code /orders/…});
   *     false for an endpoint of its own ({@code /healthz}), so {@code /healthz/x} is a 404
   */
  record Mounted(
      String path, boolean andBelow, ExecutorService pool, Duration maxWait, HttpRoute route) {

    boolean serves(String requested) {
      return requested.equals(path)
          || (andBelow && requested.startsWith(path.endsWith("/") ? path : path + "/"));
    }
  }

  private final List<Mounted> routes = new CopyOnWriteArrayList<>();
  private final HttpLimits limits;
  private final Scheduler scheduler;

  RouteDispatcher(HttpLimits limits, Scheduler scheduler) {
    this.limits = limits;
    this.scheduler = scheduler;
  }

  void mount(Mounted route) {
    routes.add(route);
    routes.sort((a, b) -> b.path().length() - a.path().length()); // the longest path wins
  }

  List<Mounted> mounted() {
    return routes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    Mounted route =
        routes.stream().filter(candidate -> candidate.serves(path)).findFirst().orElse(null);
    if (route == null) {
      answerUnread(
          request,
          response,
          callback,
          HttpReply.problem(
              Problem.of(
                  404,
                  "not-found",
                  "No such resource",
                  "no route for " + path + "; see docs/openapi.yaml")),
          false,
          bodyDeadlineFromNow());
      return true;
    }
    long declared = request.getLength();
    if (declared > limits.maxBodyBytes()) {
      answerUnread(request, response, callback, tooLarge(), true, bodyDeadlineFromNow());
      return true;
    }
    new BodyRead(request, response, callback, route, path).start();
    return true;
  }

  private HttpReply tooLarge() {
    return HttpReply.problem(
        Problem.of(
            413,
            "body-too-large",
            "Request body too large",
            "a request body may be at most " + limits.maxBodyBytes() + " bytes"));
  }

  private long bodyDeadlineFromNow() {
    return System.nanoTime() + limits.bodyDeadline().toNanos();
  }

  /**
   * Answers a request whose body will not be used (404, 413), then reads and throws away what the
   * client is still sending before the exchange ends. Ending it while the upload runs makes the
   * server close the connection under the client, and the answer is lost: the JDK's HttpClient
   * reported "header parser received no bytes" for about 1 in 12 oversized posts and 1 in 30 posts
   * to an unknown path, none once the server read the rest first. The discarding stops at {@link
   * #DISCARD_BUDGET_BYTES} or at the body deadline: a client that sends more, or stalls, gets the
   * close.
   */
  private void answerUnread(
      Request request,
      Response response,
      Callback callback,
      HttpReply reply,
      boolean close,
      long bodyDeadlineNanos) {
    if (close) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    head(response, reply);
    response.write(
        true,
        ByteBuffer.wrap(reply.body()),
        Callback.from(
            () -> new Discard(request, callback, bodyDeadlineNanos).start(), callback::failed));
  }

  /** An honest client sends about the limit before it reads the answer; more is not worth it. */
  private static final long DISCARD_BUDGET_BYTES = 1L << 20;

  /** The rest of an unused body, read and dropped so that the answer reaches the client. */
  private final class Discard {

    private final Request request;
    private final Callback callback;
    private final long deadlineNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private long discarded;
    private volatile Scheduler.Task deadline;

    Discard(Request request, Callback callback, long deadlineNanos) {
      this.request = request;
      this.callback = callback;
      this.deadlineNanos = deadlineNanos;
    }

    void start() {
      read();
      if (finished.get()) {
        return; // no body, or all of it already here: no timer needed
      }
      long left = Math.max(0, deadlineNanos - System.nanoTime());
      deadline = scheduler.schedule(this::expire, left, TimeUnit.NANOSECONDS);
      if (finished.get()) {
        deadline.cancel();
      }
    }

    private void read() {
      while (!finished.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this::read);
          return;
        }
        discarded += chunk.remaining();
        boolean over = chunk.isLast() || Content.Chunk.isFailure(chunk);
        chunk.release();
        if (over || discarded > DISCARD_BUDGET_BYTES) {
          finish();
          return;
        }
      }
    }

    /**
     * Fails the body rather than ending the exchange from the timer: the pending demand then runs,
     * reads the failure and finishes on Jetty's own terms.
     */
    private void expire() {
      if (!finished.get()) {
        request.fail(new TimeoutException("the rest of an unused request body did not arrive"));
      }
    }

    private void finish() {
      if (finished.compareAndSet(false, true)) {
        Scheduler.Task timer = deadline;
        if (timer != null) {
          timer.cancel();
        }
        callback.succeeded();
      }
    }
  }

  /** One request's body, read chunk by chunk as it arrives, racing the body deadline. */
  private final class BodyRead {

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Mounted route;
    private final String path;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final AtomicBoolean decided = new AtomicBoolean();
    private long deadlineNanos;
    private Scheduler.Task deadline;

    BodyRead(Request request, Response response, Callback callback, Mounted route, String path) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.route = route;
      this.path = path;
    }

    void start() {
      deadlineNanos = bodyDeadlineFromNow();
      deadline =
          scheduler.schedule(this::expire, limits.bodyDeadline().toMillis(), TimeUnit.MILLISECONDS);
      read();
    }

    private void read() {
      while (!decided.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this::read);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          // the client went away or sent broken framing: there is no one to answer usefully
          if (decide()) {
            callback.failed(chunk.getFailure());
          }
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        boolean fits = body.size() + bytes.remaining() <= limits.maxBodyBytes();
        if (fits) {
          byte[] copy = new byte[bytes.remaining()];
          bytes.get(copy);
          body.writeBytes(copy);
        }
        boolean last = chunk.isLast();
        chunk.release();
        if (!fits) {
          if (decide()) {
            answerUnread(request, response, callback, tooLarge(), true, deadlineNanos);
          }
          return;
        }
        if (last) {
          if (decide()) {
            dispatch();
          }
          return;
        }
      }
    }

    private void expire() {
      if (decide()) {
        sendAndClose(
            response,
            callback,
            HttpReply.problem(
                Problem.of(
                    408,
                    "request-timeout",
                    "The request was not sent in time",
                    "the request body did not arrive within "
                        + limits.bodyDeadline().toMillis()
                        + " ms")));
      }
    }

    private boolean decide() {
      if (!decided.compareAndSet(false, true)) {
        return false;
      }
      deadline.cancel();
      return true;
    }

    private void dispatch() {
      HttpCall call =
          new HttpCall(request.getMethod(), path, firstValues(request), body.toByteArray());
      long queuedAt = System.nanoTime();
      try {
        route
            .pool()
            .execute(
                () -> {
                  HttpReply reply =
                      System.nanoTime() - queuedAt > route.maxWait().toNanos()
                          ? busy()
                          : answer(call);
                  RequestMetrics.record(route.path(), call.method(), reply.status(), queuedAt);
                  send(response, callback, reply);
                });
      } catch (RejectedExecutionException full) {
        RequestMetrics.record(route.path(), call.method(), 503, queuedAt);
        send(response, callback, busy());
      }
    }

    private HttpReply answer(HttpCall call) {
      try {
        return route.route().handle(call);
      } catch (Exception | Error failed) {
        log.error("{} {} failed", call.method(), call.path(), failed);
        return HttpReply.problem(
            Problem.of(
                500, "internal", "Internal error", "the request failed; see the service's log"));
      }
    }
  }

  private static HttpReply busy() {
    return HttpReply.problem(
            Problem.of(
                503, "busy", "Too many requests in progress", "retry the same request shortly"))
        .withHeader("Retry-After", "1");
  }

  private static Map<String, String> firstValues(Request request) {
    Map<String, String> headers = new HashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), field.getValue());
    }
    return headers;
  }

  static void send(Response response, Callback callback, HttpReply reply) {
    head(response, reply);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }

  private static void head(Response response, HttpReply reply) {
    response.setStatus(reply.status());
    reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
  }

  /** Answers and drops the connection: what is left of the body is not worth reading. */
  private static void sendAndClose(Response response, Callback callback, HttpReply reply) {
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    send(response, callback, reply);
  }
}
