package io.xcluster.localstack.realstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.transport.bridge.callback.CallbackEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands between the target cluster and the bridge's callback endpoint: forwards every callback as
 * it came, except while {@link #failFor failing}, when it answers 500 without forwarding — a
 * callback endpoint that is up but broken (a bad deploy, a dependency down). It keeps the last
 * callback it sent on per call, to {@link #replay} it as the target sends one again when it did not
 * hear the answer.
 */
final class CallbackProxy implements AutoCloseable {

  /** Headers the JDK client sets itself, or that describe this hop only. */
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade");

  private final HttpServer server;
  private final URI forwardTo;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile long failUntilNanos;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final Map<String, Callback> lastSent = new ConcurrentHashMap<>();

  /** A callback as the target sent it. */
  private record Callback(String method, URI uri, Map<String, List<String>> headers, byte[] body) {}

  private CallbackProxy(HttpServer server, URI forwardTo) {
    this.server = server;
    this.forwardTo = forwardTo;
  }

  /** Listens on a free loopback port and forwards to {@code forwardTo}. */
  static CallbackProxy forwardingTo(URI forwardTo) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress("127.0.0.1", LoopbackPorts.free()), 64);
      CallbackProxy proxy = new CallbackProxy(server, forwardTo);
      server.createContext("/", proxy::handle);
      server.setExecutor(Executors.newFixedThreadPool(8));
      server.start();
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the callback proxy", e);
    }
  }

  /** What the target cluster is told to call: this proxy, with the endpoint's path. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + forwardTo.getRawPath());
  }

  /** From now on, for {@code window}, every callback is answered 500 and not forwarded. */
  void failFor(Duration window) {
    failUntilNanos = System.nanoTime() + window.toNanos();
  }

  int refused() {
    return refused.get();
  }

  int forwarded() {
    return forwarded.get();
  }

  /**
   * Sends the last callback sent on for {@code callId} to the endpoint again, as it came; the
   * endpoint's status.
   */
  int replay(String callId) throws IOException, InterruptedException {
    Callback callback = lastSent.get(callId);
    if (callback == null) {
      throw new IllegalStateException("no callback for call " + callId + " came through");
    }
    return send(callback).statusCode();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (System.nanoTime() < failUntilNanos) {
        refused.incrementAndGet();
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      Callback callback =
          new Callback(
              exchange.getRequestMethod(),
              forwardTo.resolve(exchange.getRequestURI()),
              Map.copyOf(exchange.getRequestHeaders()),
              body);
      // kept before it is sent: the endpoint delivers the outcome before it answers
      String callId = exchange.getRequestHeaders().getFirst(CallbackEndpoint.CALL_ID_HEADER);
      if (callId != null) {
        lastSent.put(callId, callback);
      }
      HttpResponse<byte[]> answer;
      try {
        answer = send(callback);
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      forwarded.incrementAndGet();
      answer
          .headers()
          .firstValue("content-type")
          .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
      byte[] answerBody = answer.body();
      exchange.sendResponseHeaders(
          answer.statusCode(), answerBody.length == 0 ? -1 : answerBody.length);
      if (answerBody.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answerBody);
        }
      }
    }
  }

  private HttpResponse<byte[]> send(Callback callback) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(callback.uri())
            .timeout(Duration.ofSeconds(30))
            .method(callback.method(), HttpRequest.BodyPublishers.ofByteArray(callback.body()));
    for (Map.Entry<String, List<String>> header : callback.headers().entrySet()) {
      if (!HOP_HEADERS.contains(header.getKey().toLowerCase())) {
        header.getValue().forEach(value -> request.header(header.getKey(), value));
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
