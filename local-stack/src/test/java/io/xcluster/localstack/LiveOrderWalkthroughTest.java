package io.xcluster.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.demo.LiveOrderWalkthrough;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.useast.orders.usecase.ChangingDeliveryAddress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo's live order on both transports: eu-west's stages reach the order in us-east while the
 * fulfillment runs (pushed, on either transport), an address change while packing is accepted by
 * eu-west, one once the parcel is with the carrier is rejected with eu-west's reason.
 */
@Timeout(180)
class LiveOrderWalkthroughTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bridge", "nats"})
  void stagesArriveLiveAndAddressChangesGetEuWestsVerdict(String transport) throws Exception {
    try (LocalStack stack =
        LocalStack.start(
            StackOptions.forTransport(transport)
                // steps long enough that a loaded machine still changes the address while packing
                .withSimulation(new SimulationSettings(Duration.ofSeconds(3), 0.0, 1L)),
            step -> {})) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();

      LiveOrderWalkthrough.Seen seen =
          new LiveOrderWalkthrough(
                  stack.orderPlacement(),
                  stack.usEast().client(),
                  new PrintStream(printed, true, StandardCharsets.UTF_8))
              .run("t-" + transport, Duration.ofMinutes(1));

      assertEquals(List.of("PICKING_AND_PACKING", "SHIPPING"), seen.stages().subList(0, 2));
      assertTrue(seen.complete(), seen.toString());
      ChangingDeliveryAddress.Changed early =
          assertInstanceOf(ChangingDeliveryAddress.Changed.class, seen.early());
      assertEquals("FR", early.address().country());
      ChangingDeliveryAddress.RejectedByFulfillment late =
          assertInstanceOf(ChangingDeliveryAddress.RejectedByFulfillment.class, seen.late());
      assertTrue(late.reason().contains("can no longer change"), late.reason());
      String text = printed.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("order COMPLETED (SIM-EXPRESS TRK-FR-"), text);
    }
  }
}
