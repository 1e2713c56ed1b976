package io.xcluster.localstack.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.localstack.stack.postgres.TemporalProfileFile;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The service images {@code ./mvnw -Pimages package} builds without a Docker daemon, opened as a
 * container runtime would: the OCI layout's index, manifest and configuration say what runs, as
 * whom, on which port; the layers, unpacked, hold a runtime that starts the service by itself — run
 * here through the image's own dynamic loader and C libraries, never the build machine's.
 */
class ContainerImagesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "order-service-us-east, 8080, io.xcluster.region.useast.orders.service.OrderServiceMain",
    "fulfillment-service-eu-west, 8081, io.xcluster.region.euwest.fulfillment.service.FulfillmentServiceMain",
    "bridge-worker, 8082, io.xcluster.transport.bridge.BridgeWorkerMain",
    "nats-coordinator, 8083, io.xcluster.transport.nats.NatsCoordinatorMain"
  })
  void theImageRunsTheServiceAsAnUnprivilegedUserOnItsPortFromItsOwnRuntime(
      String service, int port, String mainClass, @TempDir Path dir) throws Exception {
    Path tarball =
        Path.of("..", service, "target", service + "-image.tar").toAbsolutePath().normalize();
    // skipped where the images were not built (the README's plain build); CI builds them and
    // requires every tier (XCLUSTER_REQUIRE_TOOLS=true), so there a missing image fails
    String missing = tarball + " is missing: ./mvnw -Pimages -DskipTests package builds it";
    if (!Files.isRegularFile(tarball) && "true".equals(System.getenv("XCLUSTER_REQUIRE_TOOLS"))) {
      throw new IllegalStateException(missing);
    }
    assumeTrue(Files.isRegularFile(tarball), missing);
    Path layout = Files.createDirectories(dir.resolve("layout"));
    run(dir, "tar", "-xf", tarball.toString(), "-C", layout.toString());

    JsonNode index = readJson(layout.resolve("index.json"));
    JsonNode descriptor = index.path("manifests").path(0);
    String name = descriptor.path("annotations").path("org.opencontainers.image.ref.name").asText();
    assertEquals("ghcr.io/example/temporal-cross-cluster/" + service + ":0.1.0-SNAPSHOT", name);
    Path manifestFile = Path.of("..", "deploy", "k8s", service + ".yaml");
    if (Files.exists(manifestFile)) {
      assertTrue(
          Files.readString(manifestFile).contains("image: " + name),
          manifestFile + " runs the image this build names " + name);
    }
    JsonNode manifest = readJson(blob(layout, descriptor.path("digest").asText()));
    JsonNode config = readJson(blob(layout, manifest.path("config").path("digest").asText()));
    JsonNode container = config.path("config");
    assertEquals(
        "10001:10001", container.path("User").asText(), "never root; as deploy/k8s runs it");
    assertTrue(
        container.path("ExposedPorts").has(port + "/tcp"),
        container.path("ExposedPorts").toString());
    List<String> entrypoint = texts(container.path("Entrypoint"));
    assertEquals("/opt/java/bin/java", entrypoint.get(0), entrypoint.toString());
    assertEquals(mainClass, entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    assertTrue(texts(container.path("Env")).contains("JAVA_HOME=/opt/java"));
    assertEquals("amd64", config.path("architecture").asText());
    assertEquals("linux", config.path("os").asText());

    // the layers, in order, make the container's file system
    Path root = Files.createDirectories(dir.resolve("root"));
    for (JsonNode layer : manifest.path("layers")) {
      run(
          dir,
          "tar",
          "-xzf",
          blob(layout, layer.path("digest").asText()).toString(),
          "-C",
          root.toString());
    }
    assertTrue(Files.isExecutable(root.resolve("opt/java/bin/java")));
    assertTrue(Files.isRegularFile(root.resolve("lib64/ld-linux-x86-64.so.2")));
    assertTrue(Files.readString(root.resolve("etc/passwd")).contains(":10001:10001:"));

    // the loader falls back to the build machine's /lib for a library the image lacks: list what
    // it loads, and every one must come from the image
    ProcessBuilder listing =
        new ProcessBuilder(
                root.resolve("lib64/ld-linux-x86-64.so.2").toString(),
                "--library-path",
                root.resolve("lib/x86_64-linux-gnu").toString(),
                root.resolve("opt/java/bin/java").toString(),
                "-version")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ld-debug.log").toFile());
    listing.environment().put("LD_DEBUG", "libs");
    Process probe = listing.start();
    assertEquals(0, probe.waitFor(), Files.readString(dir.resolve("ld-debug.log")));
    List<String> loadedFromOutside =
        Files.readAllLines(dir.resolve("ld-debug.log")).stream()
            .filter(line -> line.contains("calling init: "))
            .map(line -> line.substring(line.indexOf("calling init: ") + 14).strip())
            .filter(library -> !library.startsWith(root.toString()))
            .toList();
    assertEquals(List.of(), loadedFromOutside, "libraries the image lacks");

    // started as the entrypoint says, with the image's loader and libraries, against clusters
    // that do not answer: it must come up, be alive, serve metrics and wait for them
    int httpPort = LoopbackPorts.free();
    int nobody = LoopbackPorts.free();
    Path profiles = dir.resolve("temporal.toml");
    TemporalProfileFile.write(
        profiles,
        ClusterEndpoint.loopback("us-east", nobody),
        ClusterEndpoint.loopback("eu-west", nobody));
    List<String> command = new ArrayList<>();
    command.add(root.resolve("lib64/ld-linux-x86-64.so.2").toString());
    command.add("--library-path");
    command.add(root.resolve("lib/x86_64-linux-gnu").toString());
    command.add(root.resolve("opt/java/bin/java").toString());
    for (String arg : entrypoint.subList(1, entrypoint.size())) {
      command.add(arg.startsWith("@/") ? "@" + rootedClasspathFile(root, dir, arg) : arg);
    }
    command.addAll(List.of("--http-port", String.valueOf(httpPort)));
    try (SupervisedProcess started =
        SupervisedProcess.start(
            service + " from its image",
            command,
            Map.of(
                "TEMPORAL_CONFIG_FILE",
                profiles.toString(),
                "NATS_URL",
                "nats://127.0.0.1:" + nobody,
                // the coordinator's relay refuses to start without the types it may start
                "XCLUSTER_ALLOWED_WORKFLOW_TYPES",
                "FulfillmentWorkflow"),
            dir.resolve(service + ".log"),
            process -> get(httpPort, "/healthz").statusCode() == 200,
            Duration.ofSeconds(60))) {
      HttpResponse<String> metrics = get(httpPort, "/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(
          metrics.body().contains("jvm_threads_live_threads{service=\"" + service + "\"}"),
          "the image's runtime has what the JVM metrics need");
      assertEquals(503, get(httpPort, "/readyz").statusCode(), "not ready: no cluster answers");
      String log = started.logSinceStart();
      assertFalse(
          log.contains("NoClassDefFoundError") || log.contains("UnsatisfiedLinkError"),
          "nothing the service needs is missing from the image: " + log);
    }
  }

  /** The image's classpath file, with each /app/... entry moved under the unpacked root. */
  private static Path rootedClasspathFile(Path root, Path dir, String argFile) throws IOException {
    String classpath = Files.readString(root.resolve(argFile.substring(2))).strip();
    String rooted =
        Arrays.stream(classpath.split(":"))
            .map(entry -> root.resolve(entry.substring(1)).toString())
            .collect(Collectors.joining(":"));
    return Files.writeString(dir.resolve("classpath"), rooted);
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static void run(Path dir, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("tar.log").toFile())
            .start();
    assertEquals(0, process.waitFor(), String.join(" ", command));
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
