package io.meshgate.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the command-line tools (kubectl, promtool, …) some unit tests run when present. */
public final class Executables {
  private Executables() {}

  /** The first executable {@code command} on the PATH, as a shell would find it. */
  public static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(p -> !p.isBlank())
        .map(p -> Path.of(p, command))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
