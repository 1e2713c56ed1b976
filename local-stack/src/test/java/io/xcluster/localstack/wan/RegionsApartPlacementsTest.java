package io.xcluster.localstack.wan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which placements a drill or a benchmark runs, as the launchers describe them. */
class RegionsApartPlacementsTest {

  @Test
  void everyProductionTransportRecommendsExactlyOnePlacementAndListsItFirst() {
    List<RegionsApart.Placement> all = RegionsApart.placements();
    List<RegionsApart.Placement> recommended = RegionsApart.recommended();

    assertEquals(List.of("bridge", "nats"), recommended.stream().map(p -> p.transport()).toList());
    for (RegionsApart.Placement first : recommended) {
      assertEquals(
          first.tag(),
          all.stream()
              .filter(p -> p.transport().equals(first.transport()))
              .findFirst()
              .get()
              .tag());
    }
  }

  @Test
  void placementsNamedByTagComeInTheOrderGiven() {
    List<RegionsApart.Placement> named =
        RegionsApart.placements("nats-server-per-region, bridge-target-region");

    assertEquals(
        List.of("nats-server-per-region", "bridge-target-region"),
        named.stream().map(RegionsApart.Placement::tag).toList());
  }

  @Test
  void anUnknownTagIsRefusedNamingThePlacementsThereAre() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> RegionsApart.placements("nats-nowhere"));

    assertTrue(
        refused.getMessage().startsWith("no placement 'nats-nowhere'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("nats-server-per-region"), refused.getMessage());
  }
}
