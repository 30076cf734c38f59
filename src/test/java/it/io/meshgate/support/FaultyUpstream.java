package it.io.meshgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on raw sockets that fails on demand, the way real services fail: {@link Mode#DOWN}
 * (nothing listens on its port), {@link Mode#SLOW} (reads the request, never answers), {@link
 * Mode#RESET} (reads the request, then resets the connection), {@link Mode#GARBAGE} (answers bytes
 * that are not HTTP), or {@link Mode#HEALTHY} (answers 200 {@code healthy}).
 */
public final class FaultyUpstream implements AutoCloseable {
  public enum Mode {
    HEALTHY,
    DOWN,
    SLOW,
    RESET,
    GARBAGE
  }

  private static final byte[] HEALTHY_ANSWER =
      ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nhealthy")
          .getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] GARBAGE_ANSWER =
      "\u0000\u0016\u0003\u0001 this is not HTTP \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final int port;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Mode mode = Mode.HEALTHY;
  private volatile ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  public FaultyUpstream() {
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    listen();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** How many request heads it has read since it started. */
  public int requests() {
    return requests.get();
  }

  /**
   * Switches to {@code mode}; {@link Mode#DOWN} closes the port and every open connection (as a
   * crashed process would), any other mode reopens it.
   */
  public synchronized void mode(Mode mode) {
    this.mode = mode;
    if (mode == Mode.DOWN) {
      closeListener();
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          // already closed
        }
      }
    } else if (listener == null) {
      listen();
    }
  }

  private synchronized void listen() {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      listener = s;
      threads.submit(() -> accept(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        threads.submit(() -> serve(c));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket c) {
    open.add(c);
    try (c) {
      InputStream in = c.getInputStream();
      OutputStream out = c.getOutputStream();
      while (readHead(in)) {
        requests.incrementAndGet();
        switch (mode) {
          case SLOW -> {
            closed.await(); // until the test ends; the gateway's read timeout must end the call
            return;
          }
          case RESET -> {
            c.setSoLinger(true, 0);
            return; // close with linger 0: RST
          }
          case GARBAGE -> {
            out.write(GARBAGE_ANSWER);
            out.flush();
            return;
          }
          default -> {
            out.write(HEALTHY_ANSWER);
            out.flush();
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // the gateway went away
    } finally {
      open.remove(c);
    }
  }

  /** Reads one request head (through its blank line); the tests send no bodies. */
  private static boolean readHead(InputStream in) throws IOException {
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      state =
          switch (state) {
            case 0, 2 -> b == '\r' ? state + 1 : 0;
            case 1, 3 -> b == '\n' ? state + 1 : 0;
            default -> 0;
          };
      if (state == 4) {
        return true;
      }
    }
    return false;
  }

  private synchronized void closeListener() {
    if (listener != null) {
      try {
        listener.close();
      } catch (IOException e) {
        // already closed
      }
      listener = null;
    }
  }

  @Override
  public void close() {
    closeListener();
    closed.countDown();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
