package io.meshgate.token;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jose4j.jwk.PublicJsonWebKey;

/**
 * The JWK Set of an external identity provider, fetched from its configured URL (never from a
 * token). It is fetched on first use and again once {@code refreshEvery} has passed. A token naming
 * a {@code kid} the set does not hold (the IdP may have rotated) causes one refetch, but at most
 * one per {@code unknownKidInterval} however many such tokens arrive, so a flood of made-up {@code
 * kid}s cannot turn the gateway against the IdP. A failed fetch keeps the keys it had.
 */
public final class RemoteJwks implements KeySource {
  private static final Logger LOG = Logger.getLogger(RemoteJwks.class.getName());
  static final int MAX_BYTES = 512 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration LOCK_WAIT = CONNECT_TIMEOUT.plus(FETCH_TIMEOUT);

  private final URI url;
  private final Duration refreshEvery;
  private final Duration unknownKidInterval;
  private final Clock clock;
  private final HttpClient http;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private final AtomicLong fetches = new AtomicLong();

  private volatile JwksKeys keys;
  private volatile Instant nextRefresh = Instant.MIN;
  private volatile Instant lastUnknownKidFetch = Instant.MIN;

  public RemoteJwks(URI url, Duration refreshEvery, Duration unknownKidInterval, Clock clock) {
    this.url = url;
    this.refreshEvery = refreshEvery;
    this.unknownKidInterval = unknownKidInterval;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Optional<PublicJsonWebKey> key(String kid) {
    Instant now = clock.instant();
    boolean fetchedNow = false;
    if (keys == null) {
      // Nothing to verify with yet: wait for the first fetch (one thread fetches).
      fetchedNow = fetchUnderLock(true, () -> keys == null, now);
    } else if (!now.isBefore(nextRefresh)) {
      // Due: one thread fetches, the others go on with the keys they have, however slow the IdP.
      fetchedNow = fetchUnderLock(false, () -> !now.isBefore(nextRefresh), now);
    }
    Optional<PublicJsonWebKey> found = lookup(kid);
    if (found.isPresent() || fetchedNow) {
      return found;
    }
    if (now.isBefore(lastUnknownKidFetch.plus(unknownKidInterval))) {
      return found; // a flood of unknown kids stops here, without taking the lock
    }
    fetchUnderLock(
        true,
        () -> {
          // Another thread may have refetched while this one waited.
          if (lookup(kid).isPresent()
              || now.isBefore(lastUnknownKidFetch.plus(unknownKidInterval))) {
            return false;
          }
          lastUnknownKidFetch = now;
          return true;
        },
        now);
    return lookup(kid);
  }

  /**
   * Fetches when {@code due} still holds once the lock is held. Waits for the lock (at most as long
   * as a fetch may take) only when {@code wait}; otherwise gives up at once if another thread is
   * fetching.
   *
   * @return whether this thread fetched
   */
  private boolean fetchUnderLock(boolean wait, BooleanSupplier due, Instant now) {
    boolean locked;
    try {
      locked =
          wait
              ? fetchLock.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)
              : fetchLock.tryLock();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (!locked) {
      return false;
    }
    try {
      if (!due.getAsBoolean()) {
        return false;
      }
      fetch(now);
      return true;
    } finally {
      fetchLock.unlock();
    }
  }

  /** Fetches made so far (first, scheduled and unknown-kid ones). */
  public long fetches() {
    return fetches.get();
  }

  public URI url() {
    return url;
  }

  private Optional<PublicJsonWebKey> lookup(String kid) {
    JwksKeys k = keys;
    return k == null ? Optional.empty() : k.key(kid);
  }

  private void fetch(Instant now) {
    fetches.incrementAndGet();
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(FETCH_TIMEOUT)
                  .header("Accept", "application/jwk-set+json, application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      if (body.length > MAX_BYTES) {
        throw new IOException("larger than " + MAX_BYTES + " bytes");
      }
      JwksKeys fetched = JwksKeys.parse(new String(body, StandardCharsets.UTF_8));
      keys = fetched;
      nextRefresh = now.plus(refreshEvery);
      LOG.info("MESHGATE-JWKS: fetched " + fetched.size() + " key(s) from " + url);
    } catch (IOException | IllegalArgumentException e) {
      failed(now, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed(now, "interrupted");
    }
  }

  /** Keeps the keys it had and waits before the next scheduled try, to spare a failing IdP. */
  private void failed(Instant now, String why) {
    if (keys == null) {
      keys = JwksKeys.EMPTY;
    }
    Duration wait =
        refreshEvery.compareTo(unknownKidInterval) < 0 ? refreshEvery : unknownKidInterval;
    nextRefresh = now.plus(wait);
    LOG.log(Level.WARNING, "MESHGATE-JWKS: cannot fetch the key set from " + url + ": " + why);
  }
}
