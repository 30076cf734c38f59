package it.io.meshgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Load for fault tests: threads that each send one kind of request back to back until {@link
 * #stop()}, handing every answer, or the I/O error that replaced it, to a handler.
 */
public final class BackToBack {
  /** One request; {@code n} counts the requests of its thread. */
  public interface Request<T> {
    T send(long n) throws IOException, InterruptedException;
  }

  /** What a request got: its answer, or (answer null) the error of a request without one. */
  public interface Handler<T> {
    void accept(T answer, IOException error);
  }

  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** Starts a thread named {@code name} sending {@code request} until stopped. */
  public <T> void start(String name, Request<T> request, Handler<T> handler) {
    Thread t =
        new Thread(
            () -> {
              long n = 0;
              while (!stop.get()) {
                try {
                  handler.accept(request.send(n++), null);
                } catch (IOException e) {
                  handler.accept(null, e);
                } catch (UncheckedIOException e) {
                  handler.accept(null, e.getCause());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            },
            name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Stops every thread and waits up to {@code seconds} for each to finish its request. */
  public void stop(long seconds) throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(seconds));
    }
  }
}
