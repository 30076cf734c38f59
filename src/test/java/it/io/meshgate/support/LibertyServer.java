package it.io.meshgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A real Liberty server running the meshgate WAR Maven built, as its own process. Each instance is
 * a copy of the server Maven prepared ({@code target/liberty/wlp/usr/servers/meshgate}) under its
 * own name, configured only through {@code server.env}, on random free ports.
 *
 * <p>The suite's single gateway is started by Arquillian's managed Liberty container ({@link
 * ManagedGateway}, which uses this class only to prepare the copy). Tests start servers of their
 * own here where Arquillian's one-server-per-suite model does not fit: a second replica on the same
 * database, a restart under a running test, a {@code kill -9}, or settings that differ from the
 * suite's.
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
  private boolean ownApplication = true;

  /**
   * A copy of the {@code workarea} of the first server this JVM stopped cleanly, given to every
   * server created after it. Liberty keeps there what it worked out at the previous start (the
   * resolved features and bundles, the application's annotation index) and checks it against the
   * configuration at each start; a copy spares each replica about 5 s of a cold start on 2 cores.
   * Nothing of a test's state is in it: data, secrets and logs are never copied.
   */
  private static Path warmWorkarea;

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
    synchronized (LibertyServer.class) {
      if (warmWorkarea != null) {
        copyTree(warmWorkarea, server.dir.resolve("workarea"));
      }
    }
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

  /**
   * Starts the server without waiting for readiness, for tests that watch a replica become ready
   * (or not) themselves.
   */
  public LibertyServer launch() {
    script("start");
    running = true;
    return this;
  }

  public void stop() {
    if (running) {
      script("stop");
      running = false;
      keepWarmWorkarea();
    }
  }

  /** After a clean stop of a server that deploys the WAR itself: see {@link #warmWorkarea}. */
  private void keepWarmWorkarea() {
    synchronized (LibertyServer.class) {
      Path workarea = dir.resolve("workarea");
      if (warmWorkarea != null || !ownApplication || !Files.isDirectory(workarea)) {
        return;
      }
      Path copy = wlp.resolve("usr/servers/.warm-workarea-" + ProcessHandle.current().pid());
      deleteTree(copy);
      copyTree(workarea, copy);
      // The server's lock and command-port files belong to that server alone.
      deleteTree(copy.resolve(".sLock"));
      deleteTree(copy.resolve(".sCommand"));
      deleteTree(copy.resolve(".sCommandAuth"));
      warmWorkarea = copy;
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

  /** The data listener's TLS port (the TLS edge binds it when MESHGATE_TLS_CERT_DIR is set). */
  public int httpsPort() {
    return Integer.parseInt(env.get("HTTPS_PORT"));
  }

  public Path logFile() {
    return dir.resolve("logs/messages.log");
  }

  /**
   * The lines of {@code logs/<file>} that contain {@code needle}, waiting up to 10 s for at least
   * one (the access log is written by a background thread); empty when none came.
   */
  public List<String> awaitLogLines(String file, String needle) {
    Path path = dir.resolve("logs").resolve(file);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      if (Files.exists(path)) {
        try (Stream<String> lines = Files.lines(path, StandardCharsets.UTF_8)) {
          List<String> found = lines.filter(l -> l.contains(needle)).toList();
          if (!found.isEmpty()) {
            return found;
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (System.nanoTime() > deadline) {
        return List.of();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
  }

  public String messages() {
    try {
      return Files.exists(logFile()) ? Files.readString(logFile()) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /health/ready} answers 200; fails with the server's log otherwise. */
  public void awaitReady(Duration timeout) {
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

  /**
   * Removes the WAR's {@code <webApplication>} from this copy's {@code server.xml}, for a container
   * that deploys the WAR itself at context root {@code /} with Hibernate as its shared library (see
   * arquillian.xml). Fails on anything else in the element, which that deployment would lose.
   */
  public LibertyServer withoutApplication() {
    Path serverXml = dir.resolve("server.xml");
    try {
      Document doc =
          DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(serverXml.toFile());
      NodeList apps = doc.getElementsByTagName("webApplication");
      if (apps.getLength() != 1) {
        throw new IllegalStateException(serverXml + ": " + apps.getLength() + " webApplication");
      }
      Element app = (Element) apps.item(0);
      Element loader = (Element) app.getElementsByTagName("classloader").item(0);
      boolean expected =
          app.getAttributes().getLength() == 3
              && app.getAttribute("contextRoot").equals("/")
              && !app.getAttribute("location").isEmpty()
              && app.getElementsByTagName("*").getLength() == 1
              && loader != null
              && loader.getAttributes().getLength() == 1
              && loader.getAttribute("commonLibraryRef").equals("hibernate");
      if (!expected) {
        throw new IllegalStateException(
            serverXml + ": its webApplication changed; make ManagedGateway's deployment match it");
      }
      app.getParentNode().removeChild(app);
      ownApplication = false;
      TransformerFactory.newInstance()
          .newTransformer()
          .transform(new DOMSource(doc), new StreamResult(serverXml.toFile()));
    } catch (IOException | ParserConfigurationException | SAXException | TransformerException e) {
      throw new IllegalStateException("Cannot edit " + serverXml, e);
    }
    return this;
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

  public static int freePort() {
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
