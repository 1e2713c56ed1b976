package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.transport.nats.NatsSettings;
import io.xcluster.transport.nats.NatsTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The NATS coordinator under fault injection on the real stack, including the faults only a broker
 * meets.
 */
class NatsFaultIT extends TransportFaults {

  /**
   * The coordinator's de-duplication window in the duplicate test: short, so the test can publish
   * after it.
   */
  private static final Duration SHORT_DUPLICATE_WINDOW = Duration.ofSeconds(5);

  @Override
  String transport() {
    return NatsTransport.NAME;
  }

  @Override
  String processName() {
    return "NATS coordinator process";
  }

  @Test
  void natsServerRestartedMidFlightLosesAndDuplicatesNothing() {
    try (FaultDrill drill = FaultDrill.start("nats-server-restarted", transport())) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.stack().jetStream().stop();
      FaultDrill.pause(Duration.ofSeconds(5));
      drill.stack().jetStream().startAgain();
      assertPassed(
          drill.finish(
              "nats-server stopped with a fifth of the fulfillments started, restarted 5 s later on its file store",
              0));
    }
  }

  @Test
  void natsServerDownFor30SecondsWhileStepsRunLongerDelaysOrdersByLessThanAMinute() {
    try (FaultDrill drill =
        FaultDrill.start(
            "nats-server-down-30s-long-steps", transport(), FaultDrill.Shape.LONG_STEPS)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.stack().jetStream().stop();
      FaultDrill.pause(LONG_OUTAGE);
      drill.stack().jetStream().startAgain();
      drill.recovered();
      assertPassed(
          drill.finish(
              "nats-server stopped for 30 s while warehouse steps ran, restarted on its file store ("
                  + drill.describeShape()
                  + ")",
              0));
    }
  }

  @Test
  void callsPublishedAgainAfterTheDedupWindowAndStartsSentTwiceRunTheFulfillmentOnce()
      throws Exception {
    try (FaultDrill drill =
        FaultDrill.start(
            "duplicate-publish",
            transport(),
            "--duplicate-window",
            "PT" + SHORT_DUPLICATE_WINDOW.toSeconds() + "S")) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      int startsAgain = sendEveryStartAgain(drill);
      int republished = republishEveryCallAfterTheDedupWindow(drill.stack().natsUrl());
      assertEquals(
          FaultDrill.ORDERS,
          republished,
          "every call published a second time, past the de-duplication window");
      assertPassed(
          drill.finish(
              "every call message published again with its Nats-Msg-Id after the "
                  + SHORT_DUPLICATE_WINDOW.toSeconds()
                  + " s dedup window, and each remote start sent twice",
              startsAgain + republished));
    }
  }

  /**
   * Copies every call message in the calls stream back onto its subject, with its original {@code
   * Nats-Msg-Id}, once that id has left the de-duplication window — what a publisher retrying late
   * would do. Returns how many the broker accepted as new messages.
   */
  private static int republishEveryCallAfterTheDedupWindow(String natsUrl) throws Exception {
    NatsSettings settings = NatsSettings.defaults(natsUrl);
    String subject = settings.callsSubject(LocalStack.EU_WEST);
    Set<String> republished = new HashSet<>();
    try (Connection nats = Nats.connect(natsUrl)) {
      JetStreamManagement management = nats.jetStreamManagement();
      JetStream jetStream = nats.jetStream();
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (republished.size() < FaultDrill.ORDERS && System.nanoTime() < deadline) {
        FaultDrill.pause(SHORT_DUPLICATE_WINDOW.plusSeconds(1));
        long last =
            management.getStreamInfo(settings.callsStream()).getStreamState().getLastSequence();
        List<MessageInfo> originals = new ArrayList<>();
        for (long seq = 1; seq <= last; seq++) {
          MessageInfo message = management.getMessage(settings.callsStream(), seq);
          String id =
              message.getHeaders() == null ? null : message.getHeaders().getFirst("Nats-Msg-Id");
          if (subject.equals(message.getSubject()) && id != null && !republished.contains(id)) {
            originals.add(message);
          }
        }
        for (MessageInfo original : originals) {
          String id = original.getHeaders().getFirst("Nats-Msg-Id");
          Headers headers = new Headers(original.getHeaders());
          headers.remove("Nats-Msg-Id");
          PublishAck ack =
              jetStream.publish(
                  subject,
                  headers,
                  original.getData(),
                  PublishOptions.builder().messageId(id).build());
          if (!ack.isDuplicate()) {
            republished.add(id);
          }
        }
      }
    }
    return republished.size();
  }
}
