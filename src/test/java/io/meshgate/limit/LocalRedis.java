package io.meshgate.limit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;

/** The machine's Redis (127.0.0.1:6379). Missing: the test fails under CI=true, else it skips. */
final class LocalRedis {
  static final String URL = "redis://127.0.0.1:6379";

  private LocalRedis() {}

  static String require() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", 6379), 2000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[7];
      int n = socket.getInputStream().read(reply);
      if (n < 5 || !new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
        throw new IOException("unexpected reply to PING");
      }
      return URL;
    } catch (IOException e) {
      String why = "Redis at " + URL + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: Redis is required)", e);
      }
      Assumptions.abort(why);
      return null;
    }
  }
}
