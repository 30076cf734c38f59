package it.io.meshgate.hostile;

import it.io.meshgate.support.StubUpstream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One hostile input: the bytes sent on a raw socket to one port, and its exact expected outcome.
 *
 * @param marker a string unique to this input, in its request target: the upstream received the
 *     input if and only if it received a request containing it
 * @param fresh send on a connection of its own (framing vectors may desynchronize a connection)
 * @param check more conditions on what the upstream received (null: none), returning what is wrong
 *     or null
 */
record Input(
    String table,
    String name,
    Port port,
    byte[] bytes,
    Expected expected,
    String marker,
    boolean fresh,
    Function<StubUpstream.Received, String> check) {

  enum Port {
    DATA,
    ADMIN
  }

  static Input of(
      String table, String name, Port port, String request, Expected expected, String marker) {
    return new Input(
        table,
        name,
        port,
        request.getBytes(StandardCharsets.ISO_8859_1),
        expected,
        marker,
        false,
        null);
  }

  Input alone() {
    return new Input(table, name, port, bytes, expected, marker, true, check);
  }

  Input checking(Function<StubUpstream.Received, String> upstreamCheck) {
    return new Input(table, name, port, bytes, expected, marker, fresh, upstreamCheck);
  }

  boolean head() {
    return bytes.length >= 5
        && new String(bytes, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
  }
}
