package io.xcluster.replication.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.replication.admin.ReplicationException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replication-setup recheck-calls --transport URL...}: the failover repair on demand. Each
 * transport process (bridge worker, NATS relay) re-checks its open calls on the target cluster as
 * it answers now and issues again, under its call id, every call whose remote run is missing. The
 * transports do this by themselves when they see the namespace fail over; this is for a failover
 * they could not see (a DNS switch between clusters that are not replicated), or to be sure.
 */
@Command(
    name = "recheck-calls",
    mixinStandardHelpOptions = true,
    description =
        "Asks transport processes to re-check their open cross-cluster calls after a failover and re-issue lost starts.")
final class RecheckCalls implements Callable<Integer> {

  /** A re-check of 10,000 calls across a WAN takes minutes, not hours. */
  static final Duration TIMEOUT = Duration.ofMinutes(10);

  static final Duration POLL = Duration.ofMillis(500);

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--transport",
      required = true,
      split = ",",
      paramLabel = "URL",
      description =
          "HTTP address of a bridge worker or NATS relay process (its --http-port), e.g. http://127.0.0.1:8082; repeat or separate with commas.")
  List<String> transports;

  @Override
  public Integer call() throws InterruptedException {
    // every URL is checked before any transport is asked: a typo in the third must not leave the
    // first two asked and the rest not
    Map<String, URI> endpoints = new LinkedHashMap<>();
    for (String transport : transports) {
      endpoints.put(transport, endpointOf(transport));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    int exit = 0;
    int failed = 0;
    for (Map.Entry<String, URI> entry : endpoints.entrySet()) {
      // one transport that is down or refuses must not keep the others from being asked
      int answer;
      try {
        answer = recheck(http, entry.getKey(), entry.getValue());
      } catch (ReplicationException problem) {
        System.err.println("replication-setup: " + problem.getMessage());
        answer =
            problem.kind() == ReplicationException.Kind.UNREACHABLE
                ? ReplicationSetupMain.EXIT_UNREACHABLE
                : ReplicationSetupMain.EXIT_REJECTED;
      }
      if (answer != 0) {
        failed++;
        // the worst answer decides the exit code: unreachable (3) over refused (1)
        exit = Math.max(exit, answer);
      }
    }
    if (failed > 0 && endpoints.size() > 1) {
      System.err.printf(
          "replication-setup: %d of %d transports did not finish the re-check (see above)%n",
          failed, endpoints.size());
    }
    return exit;
  }

  /** Asks one transport and waits for its re-check; 0 when it finished, else the exit code. */
  private static int recheck(HttpClient http, String transport, URI endpoint)
      throws InterruptedException {
    HttpResponse<String> asked = send(http, endpoint, "POST");
    if (asked.statusCode() != 202) {
      System.err.printf(
          "replication-setup: %s answered %d (is it the HTTP port of a bridge worker or a"
              + " NATS relay?): %s%n",
          endpoint, asked.statusCode(), asked.body());
      return ReplicationSetupMain.EXIT_REJECTED;
    }
    long request = json(asked.body()).path("request").asLong();
    System.out.printf("%s: re-check %d asked for; waiting for it%n", transport, request);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    JsonNode status = json(send(http, endpoint, "GET").body());
    while (status.path("completed").asLong() < request) {
      if (System.nanoTime() > deadline) {
        System.err.printf(
            "replication-setup: %s has not finished re-check %d within %s; it goes on: GET %s"
                + " says when it is done%n",
            transport, request, TIMEOUT, endpoint);
        return ReplicationSetupMain.EXIT_REJECTED;
      }
      Thread.sleep(POLL.toMillis());
      status = json(send(http, endpoint, "GET").body());
    }
    System.out.printf("%s: %s%n", transport, status.path("summary").asText("done"));
    return 0;
  }

  private static HttpResponse<String> send(HttpClient http, URI endpoint, String method)
      throws InterruptedException {
    try {
      return http.send(
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(30))
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException unreachable) {
      throw new ReplicationException(
          ReplicationException.Kind.UNREACHABLE,
          "cannot reach the transport at " + endpoint + ": " + unreachable,
          unreachable);
    }
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      throw new ReplicationException(
          ReplicationException.Kind.REJECTED,
          "the transport answered something other than JSON: " + body);
    }
  }

  private static URI endpointOf(String transport) {
    URI url;
    try {
      url = new URI(transport.strip());
    } catch (java.net.URISyntaxException notAUrl) {
      url = null;
    }
    String scheme = url == null ? null : url.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "--transport " + transport + " is not an http(s) URL (e.g. http://127.0.0.1:8082)");
    }
    return URI.create(url.toString().replaceAll("/+$", "") + "/calls/recheck");
  }
}
