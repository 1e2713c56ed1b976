package io.xcluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.useast.orders.api.OrdersHttpApi;
import io.xcluster.runtime.http.HttpLimits;
import io.xcluster.runtime.http.RoutePool;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.runtime.http.ServiceHttpServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The order API under load: us-east's real {@code OrdersHttpApi} on the service's HTTP server, on
 * loopback, over a stack whose warehouse is slow enough that every placed order stays in flight. A
 * burst of concurrent {@code POST /orders}, then — with that many orders in flight — a burst of
 * concurrent {@code GET /orders/{id}}.
 */
final class OrderApiLoad {

  /** Long enough that no order placed by the run completes before its reads are done. */
  static final SimulationSettings SLOW_WAREHOUSE =
      new SimulationSettings(Duration.ofMinutes(2), 0.0, 1L);

  /**
   * The client's own threads: bounded, and far fewer than the requests, as a real load generator's.
   */
  static final int CLIENT_THREADS = 16;

  /** Topping up shed placements: a trickle the API never sheds, a few tries each. */
  static final int TOP_UP_CONCURRENCY = 4;

  private static final int TOP_UP_ATTEMPTS = 5;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final String ORDER_BODY =
      "{\"customerId\":\"bench-%d\",\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1}],\"amountCents\":4200,\"currency\":\"USD\",\"destinationCountry\":\"DE\"}";

  private final StackOptions options;
  private final int orders;
  private final PrintStream progress;

  /**
   * @param orders concurrent placements, then concurrent reads (300 in the figures)
   */
  OrderApiLoad(StackOptions options, int orders, PrintStream progress) {
    if (orders < 1) {
      throw new IllegalArgumentException("--order-api must be ≥ 1 to run the part, was " + orders);
    }
    this.options = options.withSimulation(SLOW_WAREHOUSE);
    this.orders = orders;
    this.progress = progress;
  }

  StackResult.OrderApiResult run() throws Exception {
    ExecutorService clientThreads = Executors.newFixedThreadPool(CLIENT_THREADS);
    try (LocalStack stack =
            LocalStack.start(options, step -> progress.println("bench (order API): " + step));
        ServiceHttpServer http =
            ServiceHttpServer.start(
                "127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port")) {
      // the route as OrderServiceMain mounts it, over the stack's us-east and its order placement
      http.route(
          "/orders",
          OrdersHttpApi.POOL,
          OrdersHttpApi.over(stack.usEast().client(), stack.orderPlacement(), () -> false));
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(clientThreads)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      URI base = URI.create("http://127.0.0.1:" + http.port());

      progress.println("bench: " + orders + " concurrent POST /orders");
      Burst placing = burst(client, i -> placement(base, "burst-" + i));
      List<String> ids = new ArrayList<>();
      placing.answers().stream().filter(a -> a.status() == 202).forEach(a -> ids.add(orderId(a)));
      int toppedUp = topUp(client, base, ids);

      progress.println(
          "bench: " + ids.size() + " orders in flight; " + orders + " concurrent GET /orders/{id}");
      Burst reading =
          burst(
              client,
              i ->
                  HttpRequest.newBuilder(base.resolve("/orders/" + ids.get(i % ids.size())))
                      .timeout(REQUEST_TIMEOUT)
                      .GET()
                      .build());
      return new StackResult.OrderApiResult(
          orders,
          placing.count(202),
          placing.shedWithRetryAfter(),
          placing.otherThan(a -> a.status() == 202 || a.status() == 503 && a.retryAfter()),
          placing.seconds(),
          toppedUp,
          ids.size(),
          reading.count(200),
          reading.count(503),
          reading.otherThan(a -> a.status() == 200 || a.status() == 503),
          reading.seconds(),
          placing.latency(),
          reading.latency(),
          placing.unsuccessful(),
          reading.unsuccessful(),
          bounds(http.limits()));
    } finally {
      clientThreads.shutdownNow();
    }
  }

  /** What limits the figures, read from the code's own constants. */
  static String bounds(HttpLimits limits) {
    RoutePool pool = OrdersHttpApi.POOL;
    return "`OrdersHttpApi.POOL`: %d threads + %d queued, a request that waited over %d ms for a thread is answered 503 `busy`;"
            .formatted(pool.threads(), pool.queued(), pool.maxWait().toMillis())
        + " a read is given %d ms to find the order + %d ms for its worker's query; the server takes %d connections at once"
            .formatted(
                OrdersHttpApi.FIND_DEADLINE.toMillis(),
                OrdersHttpApi.QUERY_DEADLINE.toMillis(),
                limits.maxConnections());
  }

  private static HttpRequest placement(URI base, String key) {
    return HttpRequest.newBuilder(base.resolve("/orders"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header(OrdersHttpApi.IDEMPOTENCY_KEY, "bench-" + key + "-" + System.nanoTime())
        .POST(
            HttpRequest.BodyPublishers.ofString(
                ORDER_BODY.formatted(Math.abs(key.hashCode() % 1000))))
        .build();
  }

  private static String orderId(Answer answer) {
    try {
      JsonNode body = ServiceHttpServer.JSON.readTree(answer.body());
      return body.path("orderId").asText();
    } catch (Exception e) {
      throw new IllegalStateException("202 without an order id: " + answer.body(), e);
    }
  }

  /**
   * Places the orders the burst shed, a few at a time, so the reads run with the full number in
   * flight; each is tried a bounded number of times. How many it placed.
   */
  private int topUp(HttpClient client, URI base, List<String> ids) throws Exception {
    int placed = 0;
    for (int attempt = 0; attempt < TOP_UP_ATTEMPTS && ids.size() < orders; attempt++) {
      int missing = orders - ids.size();
      for (int start = 0; start < missing; start += TOP_UP_CONCURRENCY) {
        List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(missing, start + TOP_UP_CONCURRENCY); i++) {
          batch.add(
              client.sendAsync(
                  placement(base, "top-up-" + attempt + "-" + i),
                  HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> response : batch) {
          HttpResponse<String> answered = response.get(1, TimeUnit.MINUTES);
          if (answered.statusCode() == 202) {
            ids.add(orderId(new Answer(202, false, answered.body(), Duration.ZERO)));
            placed++;
          }
        }
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException(
          "the order API accepted none of " + orders + " orders, even a few at a time");
    }
    return placed;
  }

  private static Throwable rootCause(Throwable failed) {
    Throwable cause = failed;
    for (int depth = 0; cause.getCause() != null && depth < 10; depth++) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** One answer: its status, whether a 503 said when to retry, its body, and how long it took. */
  record Answer(int status, boolean retryAfter, String body, Duration took) {
    /**
     * Status and problem type, e.g. {@code 503 busy}; {@code no answer (ConnectException)} when the
     * request failed without one.
     */
    String kind() {
      if (status == 0) {
        return "no answer (" + body + ")";
      }
      try {
        String type = ServiceHttpServer.JSON.readTree(body).path("type").asText("?");
        return status + " " + type.substring(type.lastIndexOf(':') + 1);
      } catch (Exception notJson) {
        return status + " (not problem+json)";
      }
    }
  }

  /** All answers of one burst and how long the burst took, first request sent to last answer in. */
  record Burst(List<Answer> answers, double seconds) {
    int count(int status) {
      return (int) answers.stream().filter(a -> a.status() == status).count();
    }

    int otherThan(java.util.function.Predicate<Answer> counted) {
      return (int) answers.stream().filter(counted.negate()).count();
    }

    Percentiles latency() {
      return new Percentiles(answers.stream().map(Answer::took).toList());
    }

    /**
     * The answers that were not a success, by status and problem type, most frequent first: "503
     * busy ×40, no answer (ConnectException) ×2".
     */
    String unsuccessful() {
      Map<String, Long> kinds =
          answers.stream()
              .filter(a -> a.status() < 200 || a.status() >= 300)
              .collect(
                  Collectors.groupingBy(Answer::kind, LinkedHashMap::new, Collectors.counting()));
      return kinds.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .map(e -> e.getKey() + " ×" + e.getValue())
          .collect(Collectors.joining(", "));
    }

    int shedWithRetryAfter() {
      return (int) answers.stream().filter(a -> a.status() == 503 && a.retryAfter()).count();
    }
  }

  /**
   * {@link #orders} requests sent at once; a request that fails without an answer counts as status
   * 0.
   */
  private Burst burst(HttpClient client, Function<Integer, HttpRequest> request) throws Exception {
    List<CompletableFuture<Answer>> pending = new ArrayList<>(orders);
    long started = System.nanoTime();
    for (int i = 0; i < orders; i++) {
      long sent = System.nanoTime();
      pending.add(
          client
              .sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString())
              .thenApply(
                  r ->
                      new Answer(
                          r.statusCode(),
                          r.headers().firstValue("Retry-After").isPresent(),
                          r.body(),
                          Duration.ofNanos(System.nanoTime() - sent)))
              .exceptionally(
                  e ->
                      new Answer(
                          0,
                          false,
                          rootCause(e).getClass().getSimpleName(),
                          Duration.ofNanos(System.nanoTime() - sent))));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Burst(pending.stream().map(CompletableFuture::join).toList(), seconds);
  }
}
