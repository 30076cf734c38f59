package io.meshgate.istio;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Data the project reads from the shared folder next to it ({@code meshgate.shared.dir}, else
 * {@code ../shared}) and never copies in, such as Istio's CRD bundle. The checks that need it run
 * when it is there; on a fresh clone without it they are skipped with a message that says what to
 * provide, so {@code mvn verify} still passes. Under {@code CI=true} they must run: a missing file
 * fails them.
 */
final class SharedFolder {
  private static final Path PROJECT_DIR =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();

  private SharedFolder() {}

  /** The shared folder: {@code meshgate.shared.dir}, else {@code ../shared} of the project. */
  static Path dir() {
    String configured = System.getProperty("meshgate.shared.dir");
    return configured != null && !configured.isBlank()
        ? Path.of(configured).toAbsolutePath().normalize()
        : PROJECT_DIR.resolve("../shared").normalize();
  }

  /**
   * The file at {@code relative} in the shared folder, or the calling test is skipped (failed under
   * {@code CI=true}) with a message naming the file, what it is and how to provide it.
   *
   * @param what what the file is and where it comes from, for the message
   */
  static Path require(String relative, String what) {
    Path file = dir().resolve(relative);
    if (Files.isRegularFile(file)) {
      return file;
    }
    String why =
        file
            + " is missing: this check needs "
            + what
            + ". Put it there, or point -Dmeshgate.shared.dir at a folder holding "
            + relative;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(why + " (CI=true: the shared data is required)");
    }
    System.err.println("[SKIPPED] " + why);
    Assumptions.abort(why);
    return file; // not reached: abort throws
  }
}
