package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The catalog and the signing key live in the database: restarts and replicas agree on them. */
class PersistenceIT extends OnManagedGateway {
  private final Gateways gw = Gateways.get();

  @Test
  void restartKeepsTheCatalogAndTheSigningKey() {
    // A replica of its own: Arquillian's server is never restarted by a test.
    try (LibertyServer server = gw.newReplica("restart").start()) {
      String kidBefore = activeKid(server);
      String jwksBefore = Http.get(server.uri("/.well-known/jwks.json")).body();

      server.restart();

      assertThat(activeKid(server)).isEqualTo(kidBefore);
      assertThat(Http.get(server.uri("/.well-known/jwks.json")).body()).isEqualTo(jwksBefore);
      String marker = UUID.randomUUID().toString();
      HttpResponse<String> r =
          Http.get(server.uri("/orders/" + marker), "X-API-Key", "orders-key-1");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(gw.upstream().only(marker).header("x-client-plan")).containsExactly("gold");
    }
  }

  @Test
  void twoServersSharingOneDatabaseServeTheSameJwksAndSignWithTheSameKey() {
    try (LibertyServer replica = gw.newReplica("replica").start()) {
      String jwks = Http.get(gw.server().uri("/.well-known/jwks.json")).body();
      assertThat(Http.get(replica.uri("/.well-known/jwks.json")).body()).isEqualTo(jwks);
      assertThat(activeKid(replica)).isEqualTo(activeKid(gw.server()));
      JsonObject discovery =
          Json.createReader(
                  new StringReader(
                      Http.get(replica.uri("/.well-known/openid-configuration")).body()))
              .readObject();
      assertThat(discovery.getString("issuer")).isEqualTo(Gateways.ISSUER);
      assertThat(discovery.getString("jwks_uri"))
          .isEqualTo(Gateways.ISSUER + "/.well-known/jwks.json");
      String marker = UUID.randomUUID().toString();
      assertThat(
              Http.get(replica.uri("/echo/" + marker), "X-API-Key", "premium-demo-key")
                  .statusCode())
          .isEqualTo(200);
      assertThat(gw.upstream().only(marker).header("x-client-plan")).containsExactly("premium");
    }
  }

  /** The kid the readiness check reports as active. */
  private static String activeKid(LibertyServer server) {
    JsonObject health =
        Json.createReader(new StringReader(Http.get(server.uri("/health/ready")).body()))
            .readObject();
    return health
        .getJsonArray("checks")
        .getJsonObject(0)
        .getJsonObject("data")
        .getString("signingKey");
  }
}
