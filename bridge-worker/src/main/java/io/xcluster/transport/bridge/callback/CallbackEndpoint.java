package io.xcluster.transport.bridge.callback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.xcluster.port.call.CallId;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.ServiceTracing;
import io.xcluster.transport.bridge.BridgeTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the target cluster POSTs each finished call (a Nexus completion): checks the token bound to
 * the call, then has the {@link OutcomeRelay} deliver the outcome to the caller. It keeps no state
 * per call, so every replica can serve any callback, and a replica killed mid-request loses
 * nothing: the target retries until some replica answers 2xx.
 *
 * <p>Answers: 200 once delivered; 401 (no, malformed or expired token) and 403 (a token not signed
 * for this call) as problem+json, after which the target gives the callback up and the caller's
 * backstop reads the outcome; 503 while a cluster does not answer, which the target retries.
 */
public final class CallbackEndpoint implements AutoCloseable {

  /** Where Temporal's completion callback says when the run started. */
  static final String START_TIME_HEADER = "Nexus-Operation-Start-Time";

  /** The header that names the call; the token is bound to it. */
  public static final String CALL_ID_HEADER = "Xcluster-Call-Id";

  /** Threads answering callbacks: each relay is two short RPCs, however many calls are open. */
  static final int THREADS = 4;

  /**
   * A Nexus completion body is the outcome, which the endpoint does not read; more than this is
   * refused.
   */
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CallbackEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TextMapGetter<Headers> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          return headers.keySet();
        }

        @Override
        public String get(Headers headers, String key) {
          return headers == null
              ? null
              : headers.getFirst(key); // case-insensitive, as HTTP headers are
        }
      };

  private final HttpServer server;
  private final ExecutorService threads;
  private final String path;
  private final CallbackToken tokens;
  private final OutcomeRelay relay;
  private final Clock clock;
  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final String targetCluster;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CallbackEndpoint(
      HttpServer server,
      ExecutorService threads,
      CallbackSettings settings,
      String targetCluster,
      OutcomeRelay relay,
      Clock clock,
      ServiceTracing tracing) {
    this.server = server;
    this.threads = threads;
    this.path = settings.path();
    this.tokens = new CallbackToken(settings.key());
    this.relay = relay;
    this.clock = clock;
    this.openTelemetry = tracing.openTelemetry();
    this.tracer = tracing.tracer("io.xcluster.transport.bridge");
    this.targetCluster = targetCluster;
  }

  /**
   * Binds the listener of {@code settings} and starts answering; each delivery is a span in the
   * trace of the call whose context the callback carries.
   */
  public static CallbackEndpoint start(
      CallbackSettings settings,
      String targetCluster,
      OutcomeRelay relay,
      Clock clock,
      ServiceTracing tracing) {
    // The JDK server waits for a request forever by default: bound it, so a client that trickles
    // its head cannot hold one of the few callback threads (set before the first server starts).
    System.setProperty(
        "sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "30"));
    System.setProperty(
        "sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
    InetSocketAddress address = new InetSocketAddress(settings.listenHost(), settings.listenPort());
    HttpServer server;
    try {
      if (settings.tls() == null) {
        server = HttpServer.create(address, 0);
      } else {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(settings.tls().sslContext()));
        server = https;
      }
    } catch (IOException | IllegalArgumentException e) { // in use, not ours, unresolvable
      // a setting's value, not a crash: one line naming it, and the exit code of bad config
      throw ConfigException.invalid(
          CallbackSettings.LISTEN_SETTING,
          settings.listenHost() + ":" + settings.listenPort(),
          "cannot be bound: " + e);
    }
    ExecutorService threads =
        Executors.newFixedThreadPool(THREADS, DaemonThreads.named("bridge-callback"));
    CallbackEndpoint endpoint =
        new CallbackEndpoint(server, threads, settings, targetCluster, relay, clock, tracing);
    server.setExecutor(threads);
    server.createContext("/", endpoint::answer);
    server.start();
    log.info(
        "callback endpoint listening on {}://{}:{}{}",
        settings.tls() == null ? "http" : "https",
        settings.listenHost(),
        endpoint.port(),
        endpoint.path);
    return endpoint;
  }

  /** The port bound (useful when 0 asked for any free one). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The URL of this listener on loopback, e.g. for tests and a local stack. */
  public URI loopbackUrl() {
    return URI.create(
        (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + port() + path);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!path.equals(exchange.getRequestURI().getPath())) {
        problem(
            exchange, new Refusal(404, "not-found", "Not found", "callbacks are taken at " + path));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        problem(
            exchange,
            new Refusal(405, "method-not-allowed", "Method not allowed", "callbacks are POSTed"));
        return;
      }
      String header = exchange.getRequestHeaders().getFirst(CALL_ID_HEADER);
      CallId callId;
      try {
        callId = CallId.parse(header);
      } catch (RuntimeException e) {
        // Unauthenticated as much as malformed: without a call id no token can be checked.
        count("refused");
        problem(
            exchange,
            new Refusal(
                401,
                "callback-unauthenticated",
                "Callback not authenticated",
                CALL_ID_HEADER + " is missing or not a call id"));
        return;
      }
      CallbackToken.Verdict verdict =
          tokens.verify(
              exchange.getRequestHeaders().getFirst(CallbackToken.HEADER),
              callId.value(),
              clock.instant());
      if (verdict != CallbackToken.Verdict.VALID) {
        refuse(exchange, callId, verdict);
        return;
      }
      // Read only once the headers authenticated the caller (the outcome itself is read from the
      // target, never from the body): an anonymous client cannot hold a thread with a slow body.
      if (!drained(exchange.getRequestBody())) {
        problem(
            exchange,
            new Refusal(
                413,
                "too-large",
                "Callback too large",
                "a callback body may have " + MAX_BODY_BYTES + " bytes"));
        return;
      }
      OutcomeRelay.Relayed relayed = relayInTheCallsTrace(exchange, callId);
      count(relayed.name());
      switch (relayed) {
        case DELIVERED -> reply(exchange, 200, "application/json", "{\"delivered\":true}");
        // Retryable on purpose: the target only calls back once the run has closed, so "open" is
        // a read that lagged behind, and a 4xx would make the target give the callback up.
        case RUN_STILL_OPEN ->
            unavailable(exchange, "call " + callId + " has not ended yet; try again");
        case UNAVAILABLE ->
            unavailable(
                exchange,
                "a cluster did not answer while delivering call " + callId + "; try again");
      }
    } catch (RuntimeException e) {
      log.error("callback answer failed", e);
      throw e;
    }
  }

  /**
   * When the remote run started, from the {@value #START_TIME_HEADER} header Temporal puts on its
   * completion callbacks (an HTTP date, to the second); null if absent or unreadable.
   */
  static Instant remoteStart(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst(START_TIME_HEADER);
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException unreadable) {
      return null;
    }
  }

  /** {@code xcluster_bridge_callbacks_total{result}}: every callback answered, by its fate. */
  private static void count(String result) {
    Counter.builder("xcluster.bridge.callbacks")
        .description("completion callbacks answered by this bridge, by result")
        .tags(
            "transport", BridgeTransport.NAME, "result", result.toLowerCase(java.util.Locale.ROOT))
        .register(Metrics.globalRegistry)
        .increment();
  }

  private OutcomeRelay.Relayed relayInTheCallsTrace(HttpExchange exchange, CallId callId) {
    Context caller =
        openTelemetry
            .getPropagators()
            .getTextMapPropagator()
            .extract(Context.root(), exchange.getRequestHeaders(), HEADERS);
    Span span =
        tracer.spanBuilder("xcluster.bridge.deliver-callback").setParent(caller).startSpan();
    CallSpans.tag(span, callId, targetCluster, BridgeTransport.NAME);
    try (Scope ignored = span.makeCurrent()) {
      OutcomeRelay.Relayed relayed = relay.relay(callId, remoteStart(exchange));
      span.setAttribute("xcluster.relayed", relayed.name());
      return relayed;
    } finally {
      span.end();
    }
  }

  private void refuse(HttpExchange exchange, CallId callId, CallbackToken.Verdict verdict)
      throws IOException {
    log.warn("callback for call {} refused: token {}", callId, verdict);
    count("refused");
    if (verdict == CallbackToken.Verdict.NOT_FOR_THIS_CALL) {
      problem(
          exchange,
          new Refusal(
              403,
              "callback-forbidden",
              "Callback forbidden",
              CallbackToken.HEADER + " was not issued for call " + callId));
    } else {
      problem(
          exchange,
          new Refusal(
              401,
              "callback-unauthenticated",
              "Callback not authenticated",
              CallbackToken.HEADER + " is " + verdict.name().toLowerCase(java.util.Locale.ROOT)));
    }
  }

  private static void unavailable(HttpExchange exchange, String detail) throws IOException {
    exchange.getResponseHeaders().set("Retry-After", "5");
    problem(
        exchange, new Refusal(503, "callback-not-delivered", "Callback not delivered yet", detail));
  }

  private static boolean drained(InputStream body) throws IOException {
    long total = 0;
    byte[] buffer = new byte[8192];
    for (int n; (n = body.read(buffer)) > 0; ) {
      total += n;
      if (total > MAX_BODY_BYTES) {
        return false;
      }
    }
    return true;
  }

  /**
   * An answer other than 200, as {@code application/problem+json} (RFC 9457), like every service's
   * errors.
   */
  private record Refusal(int status, String slug, String title, String detail) {}

  private static void problem(HttpExchange exchange, Refusal refusal) throws IOException {
    var body =
        JSON.createObjectNode()
            .put("type", "urn:xcluster:problem:" + refusal.slug())
            .put("title", refusal.title())
            .put("status", refusal.status())
            .put("detail", refusal.detail());
    reply(exchange, refusal.status(), "application/problem+json", JSON.writeValueAsString(body));
  }

  private static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Stops answering at once; callbacks in flight are retried by the target. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
