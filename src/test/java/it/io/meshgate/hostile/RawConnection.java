package it.io.meshgate.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection on a raw socket: writes a request exactly as given and reads
 * one answer (status line, fields, body by {@code Content-Length}, chunks or close). Every read has
 * the per-input deadline, so a server that never answers is a {@link Response#timedOut} outcome,
 * not a hanging test.
 */
final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private boolean open = true;

  RawConnection(int port, int timeoutMillis) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(timeoutMillis);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
  }

  boolean isOpen() {
    return open;
  }

  /** Writes {@code request} and reads the one answer to it ({@code head}: no body is expected). */
  Response exchange(byte[] request, boolean head) {
    try {
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // The server may have stopped reading and answered already: read what it sent.
    }
    return read(head);
  }

  /** Reads one more answer (a second response to bytes already sent), or the end of the stream. */
  Response read(boolean head) {
    try {
      String statusLine = line();
      if (statusLine == null) {
        open = false;
        return Response.CLOSED;
      }
      Map<String, List<String>> fields = new LinkedHashMap<>();
      for (String l = line(); l != null && !l.isEmpty(); l = line()) {
        int colon = l.indexOf(':');
        if (colon > 0) {
          fields
              .computeIfAbsent(
                  l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
              .add(l.substring(colon + 1).trim());
        }
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      byte[] body = body(fields, status, head);
      String connection = first(fields, "connection");
      if (connection != null && connection.equalsIgnoreCase("close")) {
        close();
      }
      return new Response(status, fields, new String(body, StandardCharsets.UTF_8), false);
    } catch (SocketTimeoutException e) {
      close();
      return Response.TIMED_OUT;
    } catch (IOException | RuntimeException e) {
      close();
      return Response.CLOSED;
    }
  }

  private byte[] body(Map<String, List<String>> fields, int status, boolean head)
      throws IOException {
    if (head || status == 204 || status == 304 || status < 200) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String te = first(fields, "transfer-encoding");
    String cl = first(fields, "content-length");
    if (te != null && te.equalsIgnoreCase("chunked")) {
      for (int size = Integer.parseInt(line().split(";")[0].trim(), 16);
          size > 0;
          size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
        out.write(in.readNBytes(size));
        line();
      }
      for (String l = line(); l != null && !l.isEmpty(); l = line()) {
        // trailer fields
      }
    } else if (cl != null) {
      out.write(in.readNBytes(Integer.parseInt(cl)));
    } else {
      out.write(in.readAllBytes());
      close();
    }
    return out.toByteArray();
  }

  private String line() throws IOException {
    ByteArrayOutputStream l = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        byte[] bytes = l.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      l.write(b);
    }
    return l.size() == 0 ? null : l.toString(StandardCharsets.ISO_8859_1);
  }

  private static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public void close() {
    open = false;
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** One answer; {@code status} 0 when the connection ended or timed out without one. */
  record Response(int status, Map<String, List<String>> fields, String body, boolean timedOut) {
    static final Response CLOSED = new Response(0, Map.of(), "", false);
    static final Response TIMED_OUT = new Response(0, Map.of(), "", true);

    String field(String name) {
      return first(fields, name);
    }

    /** The problem's errorKey, or {@code -} when the answer is not problem+json. */
    String errorKey() {
      String type = field("content-type");
      if (type == null || !type.startsWith("application/problem+json")) {
        return "-";
      }
      int at = body.indexOf("\"errorKey\":\"");
      if (at < 0) {
        return "?";
      }
      int start = at + "\"errorKey\":\"".length();
      return body.substring(start, body.indexOf('"', start));
    }

    @Override
    public String toString() {
      if (timedOut) {
        return "no answer within the deadline";
      }
      return status == 0 ? "connection closed without an answer" : status + " " + errorKey();
    }
  }
}
