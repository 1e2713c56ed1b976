package io.xcluster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One scrape of a Temporal server's Prometheus endpoint, and what the report reads from the
 * difference of two: where the server spent its time (transfer-task load and queue latency,
 * persistence latency) and what it was asked to do (frontend requests per operation).
 */
final class ServerMetrics {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One sample: metric name, its labels, its value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private ServerMetrics(List<Sample> samples) {
    this.samples = samples;
  }

  /** Scrapes {@code http://<address>/metrics}; an empty scrape if address is null. */
  static ServerMetrics scrape(String address) throws IOException, InterruptedException {
    if (address == null) {
      return new ServerMetrics(List.of());
    }
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "metrics at " + address + " answered " + response.statusCode() + ", not 200");
    }
    return parse(response.body());
  }

  static ServerMetrics parse(String exposition) {
    List<Sample> parsed = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space <= 0) {
        continue;
      }
      String name =
          brace > 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace > 0 && brace < space) {
        String body = line.substring(brace + 1, line.lastIndexOf('}', space));
        for (String pair : body.split(",(?=[a-zA-Z_]+=\")")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
          }
        }
      }
      try {
        parsed.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
      } catch (NumberFormatException ignored) {
        // a value this reader does not need (e.g. a timestamp-suffixed sample)
      }
    }
    return new ServerMetrics(parsed);
  }

  /** The sum of {@code name}'s samples whose labels pass {@code filter}. */
  double sum(String name, Predicate<Map<String, String>> filter) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && filter.test(s.labels()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /** Adds {@code sign} × each frontend operation's request count to {@code byOperation}. */
  private void frontendRequestsInto(Map<String, Double> byOperation, int sign) {
    for (Sample s : samples) {
      if (s.name().equals("service_requests")
          && "frontend".equals(s.labels().get("service_name"))) {
        byOperation.merge(s.labels().getOrDefault("operation", "?"), sign * s.value(), Double::sum);
      }
    }
  }

  /** What the server did between {@code before} and this scrape. */
  Delta since(ServerMetrics before) {
    return new Delta(before, this);
  }

  /** The difference of two scrapes. */
  record Delta(ServerMetrics before, ServerMetrics after) {

    double sum(String name, Predicate<Map<String, String>> filter) {
      return after.sum(name, filter) - before.sum(name, filter);
    }

    /**
     * Mean of histogram {@code name} (seconds in the exposition) over the samples that pass {@code
     * filter}, in milliseconds; NaN without samples.
     */
    double meanMillis(String name, Predicate<Map<String, String>> filter) {
      double count = sum(name + "_count", filter);
      return count <= 0 ? Double.NaN : sum(name + "_sum", filter) / count * 1000;
    }

    /** Frontend requests per operation in this delta, largest first, at most {@code limit}. */
    Map<String, Double> frontendRequests(int limit) {
      Map<String, Double> byOperation = new TreeMap<>();
      after.frontendRequestsInto(byOperation, 1);
      before.frontendRequestsInto(byOperation, -1);
      Map<String, Double> top = new LinkedHashMap<>();
      byOperation.entrySet().stream()
          .filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .limit(limit)
          .forEach(e -> top.put(e.getKey(), e.getValue()));
      return top;
    }

    /**
     * The server side of a phase, in one line: transfer tasks and their mean load and queue
     * latency, persistence latency.
     */
    String serverSide() {
      Predicate<Map<String, String>> transfer =
          labels ->
              labels.getOrDefault("task_type", "").startsWith("Transfer")
                  && !"temporal_system".equals(labels.get("namespace"));
      double tasks = sum("task_latency_load_count", transfer);
      return "%.0f transfer tasks, load %.1f ms, queue %.1f ms, processing %.1f ms; persistence %.1f ms"
          .formatted(
              tasks,
              meanMillis("task_latency_load", transfer),
              meanMillis("task_latency_queue", transfer),
              meanMillis("task_latency_processing", transfer),
              meanMillis("persistence_latency", labels -> true));
    }
  }
}
