package io.xcluster.runtime.launch;

/**
 * Routes one connection that crosses from one region to the other (through a WAN, or a proxy that
 * stands in for one): given what a process would dial, it answers what to dial instead.
 */
@FunctionalInterface
public interface RegionCrossing {

  /** The two sides of a cross-cluster call. */
  enum Region {
    /** Where the calling cluster lives (us-east). */
    CALLING,
    /** Where the target cluster lives (eu-west). */
    TARGET
  }

  /**
   * @param link a name for the connection, unique within the placement, e.g. {@code frontend}
   * @param upstream the host:port the process would dial
   * @param from the region the dialling process lives in
   * @return the host:port to dial instead
   */
  String cross(String link, String upstream, Region from);
}
