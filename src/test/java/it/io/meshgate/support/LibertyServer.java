package it.io.meshgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Liberty server running the meshgate WAR Maven built, as its own process. Each instance is
 * a copy of the server Maven prepared ({@code target/liberty/wlp/usr/servers/meshgate}) under its
 * own name, configured only through {@code server.env}, on random free ports.
 */
public final class LibertyServer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path wlp;
  private final String name;
  private final Path dir;
  private final Map<String, String> env;
  private final int httpPort;
  private final int adminPort;
  private boolean running;

  private LibertyServer(Path wlp, String name, Map<String, String> env) {
    this.wlp = wlp;
    this.name = name;
    this.dir = wlp.resolve("usr/servers").resolve(name);
    this.httpPort = freePort();
    this.adminPort = freePort();
    this.env = new LinkedHashMap<>(env);
    this.env.put("HTTP_PORT", Integer.toString(httpPort));
    this.env.put("ADMIN_PORT", Integer.toString(adminPort));
    this.env.put("ADMIN_HOST", "127.0.0.1");
    this.env.put("HTTPS_PORT", Integer.toString(freePort()));
    this.env.put("HTTP_HOST", "127.0.0.1");
    // Liberty's default keystore, without which mpJwt (admin tokens) does not start; its TLS ports
    // stay off (HTTPS_PORT is a free port nobody calls, ADMIN_HTTPS_PORT is -1).
    this.env.putIfAbsent("keystore_password", java.util.UUID.randomUUID().toString());
  }

  /** Copies the prepared server to {@code name} (replacing a leftover) and writes its env. */
  public static LibertyServer create(String name, Map<String, String> env) {
    Path wlp =
        Path.of(System.getProperty("meshgate.wlp.dir", "target/liberty/wlp")).toAbsolutePath();
    Path template =
        wlp.resolve("usr/servers")
            .resolve(System.getProperty("meshgate.server.template", "meshgate"));
    if (!Files.isDirectory(template)) {
      throw new IllegalStateException(
          "No prepared Liberty server at " + template + "; run `mvn verify`");
    }
    LibertyServer server = new LibertyServer(wlp, name, env);
    if (Files.exists(server.dir)) {
      server.script("stop");
      deleteTree(server.dir);
    }
    copyTree(template, server.dir);
    deleteTree(server.dir.resolve("logs"));
    deleteTree(server.dir.resolve("workarea"));
    deleteTree(server.dir.resolve("secrets"));
    deleteTree(server.dir.resolve("data"));
    server.writeEnv();
    return server;
  }

  public LibertyServer start() {
    script("start");
    running = true;
    awaitReady(Duration.ofSeconds(180));
    return this;
  }

  public void stop() {
    if (running) {
      script("stop");
      running = false;
    }
  }

  /** Kills the server process with SIGKILL, as a crash would: no shutdown hooks, no commit. */
  public void kill() {
    Path pidFile = wlp.resolve("usr/servers/.pid").resolve(name + ".pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                p.destroyForcibly();
                p.onExit().join();
              });
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    running = false;
  }

  public void restart() {
    stop();
    start();
  }

  @Override
  public void close() {
    stop();
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
  }

  /** A URI on the admin port. */
  public URI adminUri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + adminPort + pathAndQuery);
  }

  public int adminPort() {
    return adminPort;
  }

  public int port() {
    return httpPort;
  }

  public Path logFile() {
    return dir.resolve("logs/messages.log");
  }

  public String messages() {
    try {
      return Files.exists(logFile()) ? Files.readString(logFile()) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(250); // polling a process we do not control, not test timing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "Server "
            + name
            + " not ready after "
            + timeout
            + ": "
            + last
            + "\n--- messages.log ---\n"
            + messages());
  }

  private void writeEnv() {
    StringBuilder text = new StringBuilder();
    env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      Files.writeString(dir.resolve("server.env"), text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void script(String action) {
    try {
      Process p =
          new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(240, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("server " + action + " " + name + " did not finish");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
