package it.io.meshgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy of the test's own in front of a shared service (PostgreSQL), so the test can take the
 * service away from one gateway without touching it: {@link #stop()} closes every connection and
 * refuses new ones, as a stopped server would; {@link #freeze()} keeps accepting and keeps
 * connections open but forwards no byte in either direction, as a hung server or a dead network
 * path would; {@link #resume()} undoes either. Always on the same port.
 */
public final class TcpProxy implements AutoCloseable {
  private enum Mode {
    RUNNING,
    FROZEN,
    STOPPED
  }

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.RUNNING;
  private ServerSocket listener;

  public TcpProxy(String host, int targetPort) {
    this.target = new InetSocketAddress(host, targetPort);
    this.port = LibertyServer.freePort();
    listen();
  }

  public int port() {
    return port;
  }

  /** Closes every connection and refuses new ones (connect: connection refused). */
  public synchronized void stop() {
    mode = Mode.STOPPED;
    closeQuietly(listener);
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
    notifyAll();
  }

  /** Accepts connections and keeps them open, but forwards nothing until {@link #resume()}. */
  public synchronized void freeze() {
    if (mode == Mode.STOPPED) {
      listen();
    }
    mode = Mode.FROZEN;
  }

  public synchronized void resume() {
    Mode was = mode;
    mode = Mode.RUNNING;
    if (was == Mode.STOPPED) {
      listen();
    }
    notifyAll();
  }

  @Override
  public void close() {
    stop();
  }

  private void listen() {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      listener = s;
      Thread accept = new Thread(() -> acceptAll(s), "tcp-proxy-accept-" + port);
      accept.setDaemon(true);
      accept.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void acceptAll(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        sockets.add(client);
        Thread t = new Thread(() -> connect(client), "tcp-proxy-conn-" + port);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed by stop()
      }
    }
  }

  private void connect(Socket client) {
    try {
      awaitRunning();
      Socket server = new Socket();
      sockets.add(server);
      server.connect(target, 5000);
      pump(client, server);
      pump(server, client);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                  awaitRunning();
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // one side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  /** Holds a connection's bytes while frozen; a stopped proxy has closed it already. */
  private synchronized void awaitRunning() throws InterruptedException, IOException {
    while (mode == Mode.FROZEN) {
      wait();
    }
    if (mode == Mode.STOPPED) {
      throw new IOException("proxy stopped");
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
