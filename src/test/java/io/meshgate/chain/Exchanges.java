package io.meshgate.chain;

import io.meshgate.catalog.app.AppState;
import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.support.CidrBlock;
import java.net.InetAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Shared builders for unit tests: snapshots and exchanges, fixed time, literal addresses only. */
public final class Exchanges {
  /** The fixed instant every exchange is received at unless a test says otherwise. */
  public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  /** Product 10 bundles the API built by {@link #api()}; product 20 does not. */
  public static final long PRODUCT = 10L;

  public static final long OTHER_PRODUCT = 20L;

  private Exchanges() {}

  public static ApiSnapshot api() {
    return new ApiSnapshot(
        1L,
        "orders",
        "v1",
        "/orders",
        URI.create("http://orders.shop.svc.cluster.local:8080"),
        "orders",
        null,
        null,
        1L,
        List.of(),
        Set.of(PRODUCT));
  }

  public static PlanSnapshot plan(String name, long productId) {
    return new PlanSnapshot(
        100L + productId, name, productId, "product-" + productId, List.of("read"), 300);
  }

  public static SubscriptionSnapshot subscription(SubscriptionState state, PlanSnapshot plan) {
    return new SubscriptionSnapshot(1000L + plan.id(), state, plan);
  }

  public static AppSnapshot app(String clientId, SubscriptionSnapshot... subscriptions) {
    return app(clientId, AppState.ACTIVE, null, subscriptions);
  }

  public static AppSnapshot app(
      String clientId, AppState state, byte[] secretDigest, SubscriptionSnapshot... subscriptions) {
    return new AppSnapshot(
        42L, "app-" + clientId, clientId, state, secretDigest, List.of(subscriptions));
  }

  /** An IP literal; never resolves a name. */
  public static InetAddress ip(String literal) {
    InetAddress address = CidrBlock.parseLiteral(literal);
    if (address == null) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    return address;
  }

  public static HeaderList headers(String... namesAndValues) {
    HeaderList headers = new HeaderList();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  /** Copies a header list, as the gateway does before stripping what must not go upstream. */
  public static HeaderList copy(HeaderList headers) {
    HeaderList copy = new HeaderList();
    headers.forEach(copy::add);
    return copy;
  }

  public static ExchangeContext exchange(HeaderList requestHeaders) {
    return exchange("203.0.113.7", null, requestHeaders);
  }

  public static ExchangeContext exchange(
      String clientIp, String rawQuery, HeaderList requestHeaders) {
    return exchange(NOW, clientIp, rawQuery, requestHeaders);
  }

  /** An exchange whose upstream headers start as a copy of the request headers. */
  public static ExchangeContext exchange(
      Instant receivedAt, String clientIp, String rawQuery, HeaderList requestHeaders) {
    return new ExchangeContext(
        receivedAt,
        "GET",
        api(),
        "/items",
        rawQuery,
        ip(clientIp),
        requestHeaders,
        copy(requestHeaders));
  }

  public static ExchangeContext exchangeFrom(String clientIp) {
    return exchange(clientIp, null, new HeaderList());
  }
}
