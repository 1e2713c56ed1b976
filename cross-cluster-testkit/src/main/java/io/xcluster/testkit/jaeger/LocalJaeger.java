package io.xcluster.testkit.jaeger;

import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Jaeger v2 all-in-one (in-memory storage) on free loopback ports, from a local binary: {@code
 * XCLUSTER_JAEGER}, {@code jaeger} on PATH, or what {@code scripts/install-tools.sh jaeger} built
 * into the tool cache. It never downloads anything. Its log goes to a file.
 */
public final class LocalJaeger implements AutoCloseable {

  private final Process process;
  private final int otlpHttpPort;
  private final int queryPort;
  private final Path workDir;

  private LocalJaeger(Process process, int otlpHttpPort, int queryPort, Path workDir) {
    this.process = process;
    this.otlpHttpPort = otlpHttpPort;
    this.queryPort = queryPort;
    this.workDir = workDir;
  }

  public static LocalJaeger start() {
    Path binary = ToolBinary.JAEGER.require();
    try {
      Path workDir = Files.createTempDirectory("jaeger-");
      int otlp = LoopbackPorts.free();
      int query = LoopbackPorts.free();
      int queryGrpc = LoopbackPorts.free();
      Path config = workDir.resolve("jaeger.yaml");
      Files.writeString(
          config,
          """
          service:
            extensions: [jaeger_storage, jaeger_query]
            pipelines:
              traces: {receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter]}
            telemetry: {metrics: {level: none}, logs: {level: warn}}
          extensions:
            jaeger_query:
              storage: {traces: memstore}
              http: {endpoint: "127.0.0.1:%d"}
              grpc: {endpoint: "127.0.0.1:%d"}
            jaeger_storage:
              backends: {memstore: {memory: {max_traces: 100000}}}
          receivers:
            otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}
          processors:
            batch: {timeout: 200ms}
          exporters:
            jaeger_storage_exporter: {trace_storage: memstore}
          """
              .formatted(query, queryGrpc, otlp));
      Process process =
          new ProcessBuilder(binary.toString(), "--config=file:" + config)
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("jaeger.log").toFile())
              .start();
      LocalJaeger jaeger = new LocalJaeger(process, otlp, query, workDir);
      jaeger.awaitReady();
      return jaeger;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Jaeger from " + binary, e);
    }
  }

  /** Base URL of the OTLP/HTTP receiver, for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String otlpEndpoint() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  /** Base URL of the query API and UI. */
  public String queryUrl() {
    return "http://127.0.0.1:" + queryPort;
  }

  /** GET on the query API, e.g. {@code /api/traces?service=...}; the body as text. */
  public String get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(queryUrl() + pathAndQuery))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Jaeger exited at start-up; see " + workDir.resolve("jaeger.log"));
      }
      try {
        if (get("/api/services").contains("\"data\"")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException(
        "Jaeger did not answer on "
            + queryUrl()
            + " within 60 s; see "
            + workDir.resolve("jaeger.log"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
