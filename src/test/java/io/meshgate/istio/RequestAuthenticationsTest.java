package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered RequestAuthentication is valid against the real Istio CRD schema, both ways. */
class RequestAuthenticationsTest {
  private static final String JWKS =
      "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\","
          + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
          + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
  private static final String ISSUER = "https://meshgate.meshgate-system.svc.cluster.local";
  private static final String URI =
      "http://meshgate.meshgate-system.svc.cluster.local/.well-known/jwks.json";

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(JsonObject json) throws Exception {
    return new ObjectMapper().readValue(json.toString(), Map.class);
  }

  private static JsonObject rule(JsonObject resource) {
    return resource.getJsonObject("spec").getJsonArray("jwtRules").getJsonObject(0);
  }

  @Test
  void inlineKeySetCarriesTheCurrentKeysAndMatchesTheCrd() throws Exception {
    JsonObject ra =
        RequestAuthentications.render(
            "meshgate-jwt", "bookinfo", ISSUER, RequestAuthentications.KeySource.INLINE, URI, JWKS);

    assertThat(CrdSchemas.load(CrdSchemas.ISTIO).validate(asMap(ra))).isEmpty();
    JsonObject rule = rule(ra);
    assertThat(rule.getString("issuer")).isEqualTo(ISSUER);
    assertThat(rule.containsKey("jwksUri")).isFalse();
    JsonObject inline = Json.createReader(new StringReader(rule.getString("jwks"))).readObject();
    assertThat(inline.getJsonArray("keys").getJsonObject(0).getString("kid")).isEqualTo("k1");
    assertThat(rule.getBoolean("forwardOriginalToken")).isFalse();
    assertThat(ra.getJsonObject("metadata").getString("namespace")).isEqualTo("bookinfo");
  }

  @Test
  void uriVariantPointsAtTheJwksAndMatchesTheCrd() throws Exception {
    JsonObject ra =
        RequestAuthentications.render(
            "meshgate-jwt",
            "istio-system",
            ISSUER,
            RequestAuthentications.KeySource.URI,
            URI,
            JWKS);

    assertThat(CrdSchemas.load(CrdSchemas.ISTIO).validate(asMap(ra))).isEmpty();
    assertThat(rule(ra).getString("jwksUri")).isEqualTo(URI);
    assertThat(rule(ra).containsKey("jwks")).isFalse();
  }

  @Test
  void theSchemaCheckWouldCatchAWrongField() throws Exception {
    JsonObject ra =
        RequestAuthentications.render(
            "meshgate-jwt", "bookinfo", ISSUER, RequestAuthentications.KeySource.URI, URI, JWKS);
    Map<String, Object> doc = asMap(ra);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
    spec.put("jwtRule", spec.remove("jwtRules"));
    assertThat(CrdSchemas.load(CrdSchemas.ISTIO).validate(doc)).isNotEmpty();
  }
}
