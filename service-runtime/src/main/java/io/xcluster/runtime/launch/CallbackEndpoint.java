package io.xcluster.runtime.launch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the target cluster may push each call's outcome to a transport that {@link
 * TransportLauncher#acceptsCallbacks() accepts callbacks}: the URL the target's history service
 * POSTs to, the address the transport binds for it, and the secret that signs each call's token.
 * Offered by a stack whose target cluster allows callbacks to that address; a transport that does
 * not take callbacks ignores it.
 *
 * @param url what the target cluster calls (must match its {@code
 *     component.callbacks.allowedAddresses})
 * @param listen the {@code host:port} the endpoint binds
 * @param keyFile the file with the signing secret, the same for every replica
 */
public record CallbackEndpoint(URI url, String listen, Path keyFile) {

  public CallbackEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(keyFile, "keyFile");
    if (listen == null || !listen.matches("[^:\\s]+:\\d{1,5}")) {
      throw new IllegalArgumentException(
          "callback listen address '" + listen + "' is not of the form host:port");
    }
    if (!Files.isReadable(keyFile)) {
      throw new IllegalArgumentException(
          "callback key file " + keyFile + " does not exist or is not readable");
    }
  }
}
