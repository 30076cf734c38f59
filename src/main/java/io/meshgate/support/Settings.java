package io.meshgate.support;

import java.util.logging.Logger;

/**
 * Checks of numeric settings read at start. A value out of range is logged as {@code
 * MESHGATE-CONFIG} (SEVERE, naming the environment variable) and replaced by the default, so a typo
 * such as a negative cache size neither stops the application with a library's exception nor
 * silently turns a limit off.
 */
public final class Settings {
  private static final Logger LOG = Logger.getLogger(Settings.class.getName());

  private Settings() {}

  /**
   * {@code value} when it is at least {@code min}; otherwise logs why and returns {@code fallback}.
   *
   * @param name the environment variable the value comes from, as the README documents it
   */
  public static long atLeast(String name, long value, long min, long fallback) {
    if (value >= min) {
      return value;
    }
    LOG.severe(
        "MESHGATE-CONFIG: "
            + name
            + " must be at least "
            + min
            + " (was "
            + value
            + "); using "
            + fallback);
    return fallback;
  }
}
