package io.xcluster.localstack.services;

import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the project's runnable jars, started as a user would: {@code java -jar <module>.jar},
 * configured by environment and flags, ready when its {@code /readyz} answers 200.
 */
final class ServiceJar implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final SupervisedProcess process;
  private final int httpPort;

  private ServiceJar(SupervisedProcess process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
  }

  /**
   * The jar the reactor built for {@code module}; the README's test command builds it before this
   * module's tests.
   */
  static Path jarOf(String module) {
    Path jar = Path.of("..", module, "target", module + ".jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build the service jars first (./mvnw verify, or ./mvnw -DskipTests package)");
    }
    return jar;
  }

  static ServiceJar start(
      String module, String instance, Path workDir, Map<String, String> env, String... args) {
    return startOnPort(module, instance, LoopbackPorts.free(), workDir, env, args);
  }

  /**
   * The NATS coordinator with both sides, its relay allowed to start FulfillmentWorkflow only (it
   * refuses to start without an allow-list).
   */
  static ServiceJar startNatsCoordinator(Path workDir, Map<String, String> env) {
    return start(
        "nats-coordinator",
        "nats-coordinator",
        workDir,
        env,
        "--side",
        "both",
        "--allow-workflow-type",
        FulfillmentWorkflow.TYPE);
  }

  /** As {@link #start}, with its health port chosen by the caller (known before it starts). */
  static ServiceJar startOnPort(
      String module,
      String instance,
      int port,
      Path workDir,
      Map<String, String> env,
      String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jarOf(module).toString(),
                "--http-port",
                String.valueOf(port)));
    command.addAll(List.of(args));
    Map<String, String> environment = new HashMap<>(env);
    environment.put("XCLUSTER_SHUTDOWN_GRACE", "20s");
    SupervisedProcess process =
        SupervisedProcess.start(
            instance,
            command,
            environment,
            workDir.resolve(instance + ".log"),
            started -> get(port, "/readyz").statusCode() == 200,
            Duration.ofSeconds(90));
    return new ServiceJar(process, port);
  }

  static HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
  }

  /**
   * @throws java.io.UncheckedIOException when nothing answers (the readiness check takes that as
   *     "not yet")
   */
  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int httpPort() {
    return httpPort;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  /** SIGTERM, then wait for the process to drain and exit. */
  void stop() {
    process.stop(Duration.ofSeconds(40));
  }

  /** SIGKILL: no draining. */
  void kill() {
    process.kill();
  }

  void startAgain() {
    process.startAgain();
  }

  String log() {
    return process.logSinceStart();
  }

  @Override
  public void close() {
    process.close();
  }
}
