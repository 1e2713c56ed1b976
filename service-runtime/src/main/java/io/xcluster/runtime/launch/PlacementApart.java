package io.xcluster.runtime.launch;

/**
 * One way a transport's processes can sit when the calling and the target region are apart (a WAN
 * between them): which region each process lives in decides which of its connections cross.
 *
 * @param name one word, unique for the transport, e.g. {@code target-region}
 * @param label for reports, e.g. {@code bridge in the target region}
 * @param recommended whether this is where the transport should live with the regions apart (the
 *     placement that crosses least; measured in docs/benchmarks-wan.md)
 */
public record PlacementApart(String name, String label, boolean recommended) {

  public PlacementApart {
    if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "a placement's name is one lower-case word (a-z, 0-9, '-'), was '" + name + "'");
    }
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("placement " + name + " needs a label");
    }
  }
}
