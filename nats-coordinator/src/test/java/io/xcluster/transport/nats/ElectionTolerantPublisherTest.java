package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.JsonParser;
import io.xcluster.testkit.nats.LocalNatsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream with no leader answers a publish "503 no responders", as a stream that does not exist
 * yet does: a real nats-server stands in for the election by creating the stream a moment later.
 */
class ElectionTolerantPublisherTest {

  private static final byte[] BODY = "call".getBytes(StandardCharsets.UTF_8);

  private LocalNatsServer nats;
  private Connection connection;

  @BeforeEach
  void startNats() throws Exception {
    Assumptions.assumeTrue(LocalNatsServer.availableForTests(), "no nats-server");
    nats = LocalNatsServer.startThrowAway();
    connection = Nats.connect(nats.url());
  }

  @AfterEach
  void stopNats() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void aPublishRefusedUntilTheStreamHasALeaderGoesThroughOnceItHasOne() throws Exception {
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(connection.jetStream(), Duration.ofSeconds(20));
    CompletableFuture<Void> leaderElected =
        CompletableFuture.runAsync(
            () -> createStream(), CompletableFuture.delayedExecutor(800, TimeUnit.MILLISECONDS));

    PublishAck ack = publisher.publish("orders.calls.eu-west", null, BODY, "c1");

    leaderElected.join();
    assertEquals("ORDERS", ack.getStream());
    assertEquals(
        1, connection.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount());
  }

  @Test
  void aPublishRepeatedAfterItsAcknowledgementWasLostIsStoredOnce() throws Exception {
    createStream();
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(connection.jetStream(), Duration.ofSeconds(5));

    PublishAck first = publisher.publish("orders.calls.eu-west", null, BODY, "c3");
    // the same call again, as after an acknowledgement lost with a node: the retry is safe
    PublishAck again = publisher.publish("orders.calls.eu-west", null, BODY, "c3");

    assertFalse(first.isDuplicate());
    assertTrue(again.isDuplicate());
    assertEquals(
        1, connection.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount());
  }

  @Test
  void aBrokerStillRefusingAfterTheWindowFailsWithTheLastRefusal() throws Exception {
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(connection.jetStream(), Duration.ofMillis(700));
    long started = System.nanoTime();

    IOException refused =
        assertThrows(
            IOException.class, () -> publisher.publish("orders.calls.eu-west", null, BODY, "c2"));

    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertTrue(refused.getMessage().contains("503"), refused.getMessage());
    assertTrue(tookMillis >= 300, "it retried for a while before giving up: " + tookMillis + " ms");
  }

  @Test
  void aPublishWhileTheConnectionIsDownWaitsForItHeartbeatingAndGoesOutOnceItIsBack()
      throws Exception {
    createStream();
    AtomicBoolean connected = new AtomicBoolean(false);
    AtomicInteger heartbeats = new AtomicInteger();
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(
            connection.jetStream(),
            Duration.ofSeconds(20),
            connected::get,
            heartbeats::incrementAndGet);
    CompletableFuture.runAsync(
        () -> connected.set(true), CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
    long started = System.nanoTime();

    PublishAck ack = publisher.publish("orders.calls.eu-west", null, BODY, "c4");

    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertEquals("ORDERS", ack.getStream());
    assertTrue(tookMillis >= 900, "it waited for the connection: " + tookMillis + " ms");
    assertTrue(heartbeats.get() >= 5, "it heartbeat while waiting: " + heartbeats.get());
    assertEquals(
        1, connection.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount());
  }

  @Test
  void aBrokerStillElectingWhenTheConnectionIsBackIsRetriedForWhatIsLeftOfTheWindow()
      throws Exception {
    AtomicBoolean connected = new AtomicBoolean(false);
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(
            connection.jetStream(), Duration.ofSeconds(20), connected::get, () -> {});
    CompletableFuture.runAsync(
        () -> connected.set(true), CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
    CompletableFuture<Void> leaderElected =
        CompletableFuture.runAsync(
            () -> createStream(), CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));

    PublishAck ack = publisher.publish("orders.calls.eu-west", null, BODY, "c6");

    leaderElected.join();
    assertEquals("ORDERS", ack.getStream());
  }

  @Test
  void oneWindowCoversTheOutageAndTheElectionAfterIt() throws Exception {
    AtomicBoolean connected = new AtomicBoolean(false);
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(
            connection.jetStream(), Duration.ofMillis(1500), connected::get, () -> {});
    // the connection is back after 1 s, the stream never: the window is not started afresh
    CompletableFuture.runAsync(
        () -> connected.set(true), CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
    long started = System.nanoTime();

    assertThrows(
        IOException.class, () -> publisher.publish("orders.calls.eu-west", null, BODY, "c7"));

    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertTrue(tookMillis < 3_000, "gave up at the end of the one window: " + tookMillis + " ms");
  }

  @Test
  void aConnectionStillDownAtTheEndOfTheWindowFailsThePublishSayingSo() throws Exception {
    createStream();
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(
            connection.jetStream(), Duration.ofMillis(600), () -> false, () -> {});

    IOException down =
        assertThrows(
            IOException.class, () -> publisher.publish("orders.calls.eu-west", null, BODY, "c5"));

    assertTrue(down.getMessage().contains("no connection to NATS"), down.getMessage());
    assertEquals(
        0,
        connection.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount(),
        "nothing was sent into the client's reconnect buffer");
  }

  @Test
  void aPublishWithoutAMessageIdIsRefusedBeforeAnythingIsSent() throws Exception {
    ElectionTolerantPublisher publisher =
        new ElectionTolerantPublisher(connection.jetStream(), Duration.ofSeconds(1));

    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> publisher.publish("orders.calls.eu-west", null, BODY, " "));
    assertTrue(refused.getMessage().contains("Nats-Msg-Id"), refused.getMessage());
  }

  @Test
  void anotherCopyOfTheSameMessageBeingStoredIsAskedAgainWhileARefusalOfTheMessageIsNot() {
    assertTrue(
        ElectionTolerantPublisher.isTransient(
            refusal(400, 10158, "duplicate message id is in process")),
        "two relays publishing one outcome through a leader change: the other copy may yet fail");
    assertTrue(ElectionTolerantPublisher.isTransient(refusal(503, 10008, "unavailable")));
    assertTrue(ElectionTolerantPublisher.isTransient(new IOException("Timeout or no response")));
    assertFalse(
        ElectionTolerantPublisher.isTransient(refusal(400, 10054, "message size exceeds maximum")));
  }

  private static JetStreamApiException refusal(int code, int apiCode, String description) {
    return new JetStreamApiException(
        new StreamInfo(
            JsonParser.parseUnchecked(
                "{\"error\":{\"code\":"
                    + code
                    + ",\"err_code\":"
                    + apiCode
                    + ",\"description\":\""
                    + description
                    + "\"}}")));
  }

  private void createStream() {
    try {
      JetStreamManagement management = connection.jetStreamManagement();
      management.addStream(
          StreamConfiguration.builder()
              .name("ORDERS")
              .subjects("orders.>")
              .storageType(StorageType.File)
              .build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the stream", e);
    }
  }
}
