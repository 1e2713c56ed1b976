package io.xcluster.runtime.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client that writes exactly the bytes a test wants, including broken and unfinished requests.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
  }

  RawHttp send(String bytes) throws IOException {
    socket.getOutputStream().write(bytes.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return this;
  }

  /** Everything the server sends until it closes the connection (or 10 s pass). */
  String readUntilClosed() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int read; (read = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, read);
      }
    } catch (SocketTimeoutException stillOpen) {
      return all.toString(StandardCharsets.UTF_8) + "\n<still open after 10 s>";
    } catch (IOException reset) {
      // a reset after the answer still counts as closed
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** True once the server has closed the connection. */
  boolean closedByServer() throws IOException {
    try {
      return socket.getInputStream().read() < 0 || true;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
