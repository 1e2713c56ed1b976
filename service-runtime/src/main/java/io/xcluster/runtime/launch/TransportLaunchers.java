package io.xcluster.runtime.launch;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The transport launchers on the class path, by name. */
public final class TransportLaunchers {

  private TransportLaunchers() {}

  /** Every launcher on the class path, sorted by name. */
  public static Map<String, TransportLauncher> available() {
    Map<String, TransportLauncher> byName = new TreeMap<>();
    for (TransportLauncher launcher : ServiceLoader.load(TransportLauncher.class)) {
      TransportLauncher previous = byName.put(launcher.name(), launcher);
      if (previous != null) {
        throw new IllegalStateException(
            "two transport launchers are called "
                + launcher.name()
                + ": "
                + previous.getClass().getName()
                + " and "
                + launcher.getClass().getName());
      }
    }
    return byName;
  }

  /** The launcher called {@code name}, or one error that says which are on the class path. */
  public static TransportLauncher named(String name) {
    Map<String, TransportLauncher> available = available();
    TransportLauncher launcher = available.get(name);
    if (launcher == null) {
      throw new IllegalArgumentException(
          "no transport called '"
              + name
              + "' can be launched here; available: "
              + (available.isEmpty() ? "none" : String.join(", ", available.keySet())));
    }
    return launcher;
  }
}
