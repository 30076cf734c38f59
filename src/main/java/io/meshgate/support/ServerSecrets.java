package io.meshgate.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server-side secrets: the key-encryption key that seals private signing keys, and the pepper
 * of credential digests. In production both come from configuration (a Kubernetes Secret). For a
 * local run they are generated once into the server's output folder, owner-only, with a WARN: such
 * a server cannot share its database with another replica that has other secrets.
 */
@ApplicationScoped
public class ServerSecrets {
  private static final Logger LOG = Logger.getLogger(ServerSecrets.class.getName());
  private static final int KEY_BYTES = 32;

  @Inject
  @ConfigProperty(name = "meshgate.kek")
  Optional<String> configuredKek;

  @Inject
  @ConfigProperty(name = "meshgate.secret.pepper")
  Optional<String> configuredPepper;

  @Inject
  @ConfigProperty(name = "meshgate.secrets.dir", defaultValue = "secrets")
  String secretsDir;

  private volatile byte[] kek;
  private volatile byte[] pepper;

  /** 32-byte AES key that seals private signing keys. */
  public byte[] keyEncryptionKey() {
    byte[] k = kek;
    if (k == null) {
      k = kek = load(configuredKek, "kek", "MESHGATE_KEK");
    }
    return k;
  }

  /** 32-byte HMAC key mixed into API key and client secret digests. */
  public byte[] pepper() {
    byte[] p = pepper;
    if (p == null) {
      p = pepper = load(configuredPepper, "pepper", "MESHGATE_SECRET_PEPPER");
    }
    return p;
  }

  private synchronized byte[] load(Optional<String> configured, String fileName, String envName) {
    if (configured.isPresent() && !configured.get().isBlank()) {
      return decode(configured.get().trim(), envName);
    }
    Path file = Path.of(secretsDir).resolve(fileName);
    try {
      if (Files.exists(file)) {
        return decode(Files.readString(file).trim(), file.toString());
      }
      Files.createDirectories(file.getParent());
      byte[] fresh = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(fresh);
      Files.writeString(
          file, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.CREATE_NEW);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        LOG.warning("Cannot restrict permissions of " + file + " on this file system");
      }
      LOG.warning(
          "MESHGATE-SECRETS: "
              + envName
              + " is not set; generated one into "
              + file
              + " (owner-only). Fine for a local run; set "
              + envName
              + " for production and for replicas sharing a database.");
      return fresh;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create " + file, e);
    }
  }

  private static byte[] decode(String base64, String source) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(source + " is not valid base64", e);
    }
    if (bytes.length != KEY_BYTES) {
      throw new IllegalStateException(
          source + " must decode to " + KEY_BYTES + " bytes, got " + bytes.length);
    }
    return bytes;
  }
}
