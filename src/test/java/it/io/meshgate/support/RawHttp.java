package it.io.meshgate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 connection on a raw socket, written byte for byte (no {@code Connection: close}
 * added): for checking what a server does with the bytes of a connection, how many answers it gives
 * and whether it closes the connection.
 */
public final class RawHttp {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] \\d{3} ");
  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^Content-Length:\\s*(\\d+)\\s*$");

  private RawHttp() {}

  /** What the server sent on one connection, and whether it closed the connection. */
  public record Answer(String text, boolean closed) {
    /**
     * How many responses the text holds: heads parsed one after another, each followed by its
     * {@code Content-Length} bytes of body (a response without one takes the rest).
     */
    public int responses() {
      int n = 0;
      int at = 0;
      while (at < text.length()
          && STATUS_LINE.matcher(text).region(at, text.length()).lookingAt()) {
        n++;
        int headEnd = text.indexOf("\r\n\r\n", at);
        if (headEnd < 0) {
          break;
        }
        Matcher length = CONTENT_LENGTH.matcher(text.substring(at, headEnd));
        if (!length.find()) {
          break;
        }
        at = headEnd + 4 + Integer.parseInt(length.group(1));
      }
      return n;
    }

    public String firstStatusLine() {
      int end = text.indexOf("\r\n");
      return end < 0 ? text : text.substring(0, end);
    }
  }

  /**
   * Sends {@code bytes} on a new connection to {@code port} and reads until the server closes it or
   * {@code wait} has passed; a server that stops reading part-way may reset the connection, and
   * what it answered before is kept.
   */
  public static Answer exchange(int port, String bytes, Duration wait) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      try {
        socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (SocketException e) {
        // The server stopped reading; its answer, if any, is still to be read.
      }
      long deadline = System.nanoTime() + wait.toNanos();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      boolean closed = false;
      while (!closed) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) left);
        try {
          int n = in.read(buffer);
          if (n < 0) {
            closed = true;
          } else {
            out.write(buffer, 0, n);
          }
        } catch (SocketTimeoutException e) {
          break;
        } catch (SocketException e) {
          closed = true; // reset by the server
        }
      }
      return new Answer(out.toString(StandardCharsets.ISO_8859_1), closed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
