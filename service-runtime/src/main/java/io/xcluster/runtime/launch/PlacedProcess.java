package io.xcluster.runtime.launch;

import java.util.List;

/**
 * One process of a {@link PlacementApart}: run as {@link TransportLauncher#asProcess} makes of
 * {@code launch} (its addresses already routed across the regions), with {@code args} after it.
 */
public record PlacedProcess(TransportLaunch launch, List<String> args) {

  public PlacedProcess {
    args = List.copyOf(args);
  }
}
