package io.xcluster.replication.cli;

import io.xcluster.replication.admin.ReplicationException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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

  @Option(
      names = "--transport",
      required = true,
      split = ",",
      paramLabel = "URL",
      description =
          "HTTP address of a bridge worker or NATS relay process (its --http-port), e.g. http://127.0.0.1:8082; repeat or separate with commas.")
  List<String> transports;

  @Override
  public Integer call() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    int exit = 0;
    for (String transport : transports) {
      URI endpoint = endpointOf(transport);
      HttpResponse<String> answer;
      try {
        answer =
            http.send(
                HttpRequest.newBuilder(endpoint)
                    .timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException unreachable) {
        throw new ReplicationException(
            ReplicationException.Kind.UNREACHABLE,
            "cannot reach the transport at " + endpoint + ": " + unreachable,
            unreachable);
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
        return ReplicationSetupMain.EXIT_UNREACHABLE;
      }
      if (answer.statusCode() == 200) {
        System.out.printf("%s: %s%n", transport, summaryOf(answer.body()));
      } else {
        System.err.printf(
            "replication-setup: %s answered %d (is it the HTTP port of a bridge worker or a"
                + " NATS relay?): %s%n",
            endpoint, answer.statusCode(), answer.body());
        exit = ReplicationSetupMain.EXIT_REJECTED;
      }
    }
    return exit;
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

  private static String summaryOf(String json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(json)
          .path("summary")
          .asText(json);
    } catch (IOException notJson) {
      return json;
    }
  }
}
