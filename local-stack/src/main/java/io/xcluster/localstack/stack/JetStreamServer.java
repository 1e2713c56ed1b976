package io.xcluster.localstack.stack;

import io.xcluster.localstack.process.LoopbackPorts;
import io.xcluster.localstack.process.SupervisedProcess;
import io.xcluster.localstack.process.ToolBinary;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real {@code nats-server} with JetStream and a file store under the stack's working directory,
 * on loopback ports; ready once its health endpoint reports healthy (JetStream's streams and
 * consumers recovered from the store, after a restart too). Stopping and starting
 * it again keeps the port and the store — a broker restart, not a new broker.
 */
public final class JetStreamServer implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final int port;
  private final SupervisedProcess process;

  private JetStreamServer(int port, SupervisedProcess process) {
    this.port = port;
    this.process = process;
  }

  /** Starts nats-server with its store and log in {@code workDir}. */
  public static JetStreamServer start(Path workDir) {
    Path binary = ToolBinary.NATS_SERVER.require();
    int port = LoopbackPorts.free();
    int monitoring = LoopbackPorts.free();
    List<String> command =
        List.of(
            binary.toString(), "--jetstream",
            "--addr", "127.0.0.1", "--port", Integer.toString(port),
            "--http_port", Integer.toString(monitoring),
            "--store_dir", workDir.resolve("jetstream").toAbsolutePath().toString(),
            "--server_name", "xcluster-local");
    SupervisedProcess process =
        SupervisedProcess.start("nats-server on 127.0.0.1:" + port, command, Map.of(), workDir.resolve("nats-server.log"),
            started -> healthy(monitoring), Duration.ofSeconds(30));
    return new JetStreamServer(port, process);
  }

  private static boolean healthy(int monitoringPort) {
    try {
      HttpResponse<String> response =
          HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitoringPort + "/healthz"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** Stops the broker gently; the store stays for {@link #startAgain()}. */
  public void stop() {
    process.stop();
  }

  public void startAgain() {
    process.startAgain();
  }

  @Override
  public void close() {
    process.stop();
  }
}
