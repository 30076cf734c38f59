package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Use cases 1 and 2 end to end, for each demo plan: the mesh service receives a gateway JWT that an
 * independent library verifies against the JWKS fetched over HTTP, and routes on {@code
 * x-client-plan}; the client's key never reaches it.
 */
class DemoPlansIT extends OnManagedGateway {

  @ArquillianResource private URL base;

  @ParameterizedTest
  @ValueSource(strings = {"free", "premium", "beta"})
  void meshReceivesAVerifiableGatewayTokenAndThePlanHeader(String plan) throws Exception {
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> response =
        Http.get(uri("/echo/reviews/" + marker), "X-API-Key", plan + "-demo-key");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    assertThat(received.rawPathAndQuery()).isEqualTo("/demo/reviews/" + marker);
    assertThat(received.header("x-client-plan")).containsExactly(plan);
    assertThat(received.header("x-client-id")).containsExactly(plan + "-demo-client");
    assertThat(received.header("x-api-product")).containsExactly("demo");
    assertThat(received.header("x-api-key")).isEmpty();
    assertThat(received.headers().toString()).doesNotContain(plan + "-demo-key");
    assertThat(received.header("authorization")).hasSize(1);

    String token = received.header("authorization").get(0).substring("Bearer ".length());
    JWTClaimsSet claims = verifyWithJwksOverHttp(token);
    assertThat(claims.getIssuer()).isEqualTo(Gateways.ISSUER);
    assertThat(claims.getSubject()).isEqualTo(plan + "-demo-client");
    assertThat(claims.getAudience()).containsExactly("echo");
    assertThat(claims.getStringClaim("plan")).isEqualTo(plan);
    assertThat(claims.getStringClaim("product")).isEqualTo("demo");
    assertThat(claims.getStringClaim("app")).isEqualTo(plan + "-demo-app");
    assertThat(claims.getJWTID()).isNotBlank();
    Instant exp = claims.getExpirationTime().toInstant();
    Instant iat = claims.getIssueTime().toInstant();
    assertThat(exp).isEqualTo(iat.plusSeconds(300)); // the demo plans' token TTL
    assertThat(exp).isAfter(Instant.now());
    assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(iat));
  }

  @ParameterizedTest
  @ValueSource(strings = {"free", "beta"})
  void clientIdAndSecretOverBasicAuthWorkLikeTheKey(String plan) {
    String marker = UUID.randomUUID().toString();
    String basic =
        Base64.getEncoder()
            .encodeToString((plan + "-demo-client:" + plan + "-demo-secret").getBytes());
    HttpResponse<String> response =
        Http.get(uri("/echo/" + marker), "Authorization", "Basic " + basic);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    assertThat(received.header("x-client-plan")).containsExactly(plan);
    assertThat(received.header("authorization")).singleElement().asString().startsWith("Bearer ");
    assertThat(received.headers().toString()).doesNotContain(basic);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/reviews/1?x=%20y"})
  void builtInEchoUpstreamAnswersWhatItReceived(String suffix) {
    HttpResponse<String> r = Http.get(uri("/__meshgate/echo" + suffix), "X-Probe", "p-1");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    jakarta.json.JsonObject echo =
        jakarta.json.Json.createReader(new java.io.StringReader(r.body())).readObject();
    assertThat(echo.getString("method")).isEqualTo("GET");
    String path = suffix.contains("?") ? suffix.substring(0, suffix.indexOf('?')) : suffix;
    assertThat(echo.getString("path")).isEqualTo("/__meshgate/echo" + path);
    assertThat(echo.getString("query")).isEqualTo(suffix.contains("?") ? "x=%20y" : "");
    assertThat(echo.getJsonObject("headers").getJsonArray("x-probe").getString(0)).isEqualTo("p-1");
  }

  /**
   * Verifies as Istio would: keys from the JWKS endpoint, algorithm from the key, issuer and expiry
   * checked.
   */
  private JWTClaimsSet verifyWithJwksOverHttp(String token) throws Exception {
    HttpResponse<String> jwks = Http.get(uri("/.well-known/jwks.json"));
    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(jwks.headers().firstValue("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("max-age="));
    JWKSet set = JWKSet.parse(jwks.body());
    set.getKeys()
        .forEach(k -> assertThat(k.isPrivate()).as("JWKS must hold public keys only").isFalse());

    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(com.nimbusds.jose.JOSEObjectType.JWT));
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), new ImmutableJWKSet<>(set)));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            new JWTClaimsSet.Builder().issuer(Gateways.ISSUER).build(),
            Set.of("sub", "aud", "exp", "iat", "plan")));
    return processor.process(token, null);
  }

  private URI uri(String pathAndQuery) {
    return ManagedGateway.uri(base, pathAndQuery);
  }
}
