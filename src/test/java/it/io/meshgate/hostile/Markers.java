package it.io.meshgate.hostile;

import java.util.UUID;

/** Unique markers for one run: the upstream received an input iff it saw the input's marker. */
final class Markers {
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private int next;

  String next() {
    return "hostile" + run + "n" + (next++) + "x";
  }
}
