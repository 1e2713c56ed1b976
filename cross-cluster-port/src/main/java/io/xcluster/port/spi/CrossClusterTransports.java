package io.xcluster.port.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Looks up the transports on the class path by their configured name. */
public final class CrossClusterTransports {

  /** The setting that selects the transport for new calls. */
  public static final String SETTING = "XCLUSTER_TRANSPORT";

  private CrossClusterTransports() {}

  public static Map<String, CrossClusterTransport> available() {
    Map<String, CrossClusterTransport> byName = new TreeMap<>();
    for (CrossClusterTransport transport : ServiceLoader.load(CrossClusterTransport.class)) {
      byName.put(transport.name(), transport);
    }
    return byName;
  }

  /**
   * The transport called {@code name}, or an error that names the setting and what is available.
   */
  public static CrossClusterTransport named(String name) {
    Map<String, CrossClusterTransport> available = available();
    CrossClusterTransport transport = available.get(name);
    if (transport == null) {
      throw new IllegalArgumentException(
          SETTING
              + "="
              + name
              + " is not a transport on the class path; available: "
              + (available.isEmpty() ? "none" : String.join(", ", available.keySet())));
    }
    return transport;
  }
}
