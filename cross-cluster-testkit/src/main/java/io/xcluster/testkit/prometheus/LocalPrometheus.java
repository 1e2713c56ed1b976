package io.xcluster.testkit.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A real Prometheus server on a free loopback port, scraping the given targets every second, from a
 * local binary ({@code XCLUSTER_PROMETHEUS}, {@code prometheus} on PATH, or what {@code
 * scripts/install-tools.sh prometheus} unpacked): the test reads back what an operator's dashboard
 * would, through Prometheus's HTTP API.
 */
public final class LocalPrometheus implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final SupervisedProcess process;
  private final int port;

  private LocalPrometheus(SupervisedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Prometheus in {@code workDir} (its configuration, data and log), scraping {@code
   * targets}: job name to {@code host:port} addresses, each serving {@code /metrics}.
   */
  public static LocalPrometheus start(Path workDir, Map<String, List<String>> targets) {
    Path binary = ToolBinary.PROMETHEUS.require();
    int port = LoopbackPorts.free();
    Path config = workDir.resolve("prometheus.yml");
    StringBuilder yaml =
        new StringBuilder(
            """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
            """);
    targets.forEach(
        (job, addresses) ->
            yaml.append("  - job_name: ")
                .append(job)
                .append("\n    static_configs:\n      - targets: [")
                .append(String.join(", ", addresses.stream().map(a -> "\"" + a + "\"").toList()))
                .append("]\n"));
    try {
      Files.createDirectories(workDir);
      Files.writeString(config, yaml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + workDir.resolve("data").toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
    SupervisedProcess process =
        SupervisedProcess.start(
            "Prometheus on 127.0.0.1:" + port,
            command,
            Map.of(),
            workDir.resolve("prometheus.log"),
            started -> get(port, "/-/ready").statusCode() == 200,
            Duration.ofSeconds(60));
    return new LocalPrometheus(process, port);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The sum of an instant query's result (a vector's samples added up, or a scalar); empty when the
   * query selects nothing.
   */
  public OptionalDouble query(String promql) {
    JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode result = data.path("result");
    if ("scalar".equals(data.path("resultType").asText())) {
      return OptionalDouble.of(Double.parseDouble(result.path(1).asText()));
    }
    if (result.isEmpty()) {
      return OptionalDouble.empty();
    }
    double sum = 0;
    for (JsonNode sample : result) {
      sum += Double.parseDouble(sample.path("value").path(1).asText());
    }
    return OptionalDouble.of(sum);
  }

  /**
   * Waits until {@code promql} sums to {@code expected} (scrapes lag the processes by a second or
   * two); returns the last value seen, or NaN if the query never selected anything.
   */
  public double awaitValue(String promql, double expected, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    double seen = Double.NaN;
    while (true) {
      OptionalDouble value = query(promql);
      seen = value.isPresent() ? value.getAsDouble() : Double.NaN;
      if (seen == expected || System.nanoTime() > deadline) {
        return seen;
      }
      sleep(500);
    }
  }

  /** Scrape targets as Prometheus sees them: {@code job instance health} per line. */
  public List<String> targetHealth() {
    List<String> lines = new ArrayList<>();
    for (JsonNode target : api("/api/v1/targets").path("activeTargets")) {
      lines.add(
          target.path("labels").path("job").asText()
              + " "
              + target.path("labels").path("instance").asText()
              + " "
              + target.path("health").asText()
              + (target.path("lastError").asText().isEmpty()
                  ? ""
                  : " (" + target.path("lastError").asText() + ")"));
    }
    return lines;
  }

  private JsonNode api(String pathAndQuery) {
    HttpResponse<String> response = get(port, pathAndQuery);
    try {
      JsonNode body = JSON.readTree(response.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(
            "Prometheus answered " + response.statusCode() + " to " + pathAndQuery + ": " + body);
      }
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException("Prometheus sent no JSON for " + pathAndQuery, e);
    }
  }

  private static HttpResponse<String> get(int port, String pathAndQuery) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
