package io.meshgate.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jose4j.jwk.PublicJsonWebKey;

/**
 * The JWK Set of an external identity provider, fetched from its configured URL (never from a
 * token). It is fetched on first use and again once {@code refreshEvery} has passed. A token naming
 * a {@code kid} the set does not hold (the IdP may have rotated) causes one refetch, but at most
 * one per {@code unknownKidInterval} however many such tokens arrive, so a flood of made-up {@code
 * kid}s cannot turn the gateway against the IdP.
 *
 * <p>Fetches run in the background with a deadline that covers the whole answer, body included, and
 * at most one at a time. A due refresh never makes a call wait: calls go on with the keys at hand.
 * Only the first fetch and the one unknown-kid refetch of an interval are waited for, and never
 * longer than the deadline. A failed fetch keeps the keys it had.
 */
public final class RemoteJwks implements KeySource {
  private static final Logger LOG = Logger.getLogger(RemoteJwks.class.getName());
  static final int MAX_BYTES = 512 * 1024;
  static final Duration DEADLINE = Duration.ofSeconds(5);

  /** One client for every key set: its selector thread and connections are shared. */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final URI url;
  private final Clock clock;
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
  private final AtomicReference<Instant> lastUnknownKidFetch = new AtomicReference<>(Instant.MIN);

  private volatile Duration refreshEvery;
  private volatile Duration unknownKidInterval;
  private volatile JwksKeys keys;
  private volatile Instant nextRefresh = Instant.MIN;

  public RemoteJwks(URI url, Duration refreshEvery, Duration unknownKidInterval, Clock clock) {
    this.url = url;
    this.refreshEvery = refreshEvery;
    this.unknownKidInterval = unknownKidInterval;
    this.clock = clock;
  }

  /**
   * A key-set URL that can be trusted: https, or http to the loopback (a local IdP or sidecar), or
   * http anywhere only when {@code allowHttp} (anyone on the path could otherwise swap the keys).
   *
   * @throws IllegalArgumentException saying what is wrong and the value
   */
  public static URI trustedUrl(String text, boolean allowHttp) {
    URI url;
    try {
      url = new URI(text);
    } catch (java.net.URISyntaxException e) {
      url = null;
    }
    if (url == null
        || url.getHost() == null
        || url.getScheme() == null
        || !(url.getScheme().equalsIgnoreCase("https")
            || url.getScheme().equalsIgnoreCase("http"))) {
      throw new IllegalArgumentException(
          "must be an http or https URL with a host (was " + text + ")");
    }
    String host = url.getHost();
    boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    if (url.getScheme().equalsIgnoreCase("http") && !loopback && !allowHttp) {
      throw new IllegalArgumentException(
          "must be https, or http to the loopback, unless allowHttp is set (was " + text + ")");
    }
    return url;
  }

  @Override
  public Optional<PublicJsonWebKey> key(String kid) {
    Instant now = clock.instant();
    if (keys == null) {
      // Nothing to verify with yet: wait (boundedly) for the first fetch, shared by all callers.
      await(fetch(now));
      return lookup(kid);
    }
    if (!now.isBefore(nextRefresh)) {
      fetch(now); // in the background; this call goes on with the keys at hand
    }
    Optional<PublicJsonWebKey> found = lookup(kid);
    if (found.isPresent()) {
      return found;
    }
    Instant last = lastUnknownKidFetch.get();
    if (now.isBefore(last.plus(unknownKidInterval))
        || !lastUnknownKidFetch.compareAndSet(last, now)) {
      return found; // this interval's refetch is taken: a flood of unknown kids stops here
    }
    await(fetch(now));
    return lookup(kid);
  }

  /**
   * Makes the limits at least as strict as these: a second API trusting the same IdP shares this
   * key set, so "at most one refetch per interval" holds per IdP, not per API.
   */
  void tighten(Duration refresh, Duration unknownKid) {
    if (refresh.compareTo(refreshEvery) < 0) {
      refreshEvery = refresh;
    }
    if (unknownKid.compareTo(unknownKidInterval) > 0) {
      unknownKidInterval = unknownKid;
    }
  }

  /** Waits until no fetch is running (tests). */
  void awaitIdle() {
    CompletableFuture<Void> running = inFlight.get();
    if (running != null) {
      await(running);
    }
  }

  /** Fetches started so far (first, scheduled and unknown-kid ones). */
  public long fetches() {
    return fetches.get();
  }

  /** Fetches that failed (no answer, a bad status, or no usable key set). */
  public long failures() {
    return failures.get();
  }

  public URI url() {
    return url;
  }

  private Optional<PublicJsonWebKey> lookup(String kid) {
    JwksKeys k = keys;
    return k == null ? Optional.empty() : k.key(kid);
  }

  private static void await(CompletableFuture<Void> fetch) {
    try {
      fetch.get(DEADLINE.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Logged where the fetch failed; the caller goes on with the keys at hand.
    }
  }

  /** The fetch in flight, or a new one: never two at a time. */
  private CompletableFuture<Void> fetch(Instant now) {
    while (true) {
      CompletableFuture<Void> running = inFlight.get();
      if (running != null && !running.isDone()) {
        return running;
      }
      CompletableFuture<Void> next = new CompletableFuture<>();
      if (inFlight.compareAndSet(running, next)) {
        start(now, next);
        return next;
      }
    }
  }

  private void start(Instant now, CompletableFuture<Void> done) {
    fetches.incrementAndGet();
    // Until this fetch ends, a due refresh is not started again.
    nextRefresh = now.plus(DEADLINE);
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(DEADLINE)
            .header("Accept", "application/jwk-set+json, application/json")
            .GET()
            .build();
    HTTP.sendAsync(request, info -> new LimitedBody(info.statusCode()))
        .orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, error) -> {
              try {
                if (error != null) {
                  failed(now, String.valueOf(rootMessage(error)));
                } else {
                  JwksKeys fetched = JwksKeys.parse(response.body());
                  keys = fetched;
                  nextRefresh = now.plus(refreshEvery);
                  LOG.info("MESHGATE-JWKS: fetched " + fetched.size() + " key(s) from " + url);
                }
              } catch (RuntimeException e) {
                failed(now, e.getMessage());
              } finally {
                done.complete(null);
              }
            });
  }

  /** Keeps the keys it had and waits before the next scheduled try, to spare a failing IdP. */
  private void failed(Instant now, String why) {
    failures.incrementAndGet();
    if (keys == null) {
      keys = JwksKeys.EMPTY;
    }
    Duration wait =
        refreshEvery.compareTo(unknownKidInterval) < 0 ? refreshEvery : unknownKidInterval;
    nextRefresh = now.plus(wait);
    LOG.log(Level.WARNING, "MESHGATE-JWKS: cannot fetch the key set from " + url + ": " + why);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /**
   * Collects at most {@link #MAX_BYTES} of a 200 answer; anything else, or more, fails the fetch
   * and stops reading.
   */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
    private final int status;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    LimitedBody(int status) {
      this.status = status;
    }

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (status != 200) {
        s.cancel();
        result.completeExceptionally(new IllegalStateException("HTTP " + status));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        if (bytes.size() + b.remaining() > MAX_BYTES) {
          subscription.cancel();
          result.completeExceptionally(
              new IllegalStateException("larger than " + MAX_BYTES + " bytes"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toString(StandardCharsets.UTF_8));
    }
  }
}
