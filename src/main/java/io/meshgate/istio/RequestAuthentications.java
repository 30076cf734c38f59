package io.meshgate.istio;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Renders the Istio {@code RequestAuthentication} (security.istio.io/v1) that makes a mesh verify
 * meshgate's tokens: issuer, and either the gateway's JWKS inline (for meshes whose istiod cannot
 * reach the gateway) or its JWKS URI. The token is not forwarded to the workloads.
 */
public final class RequestAuthentications {
  public static final String API_VERSION = "security.istio.io/v1";
  public static final String KIND = "RequestAuthentication";

  private RequestAuthentications() {}

  /** How the mesh gets the keys. */
  public enum KeySource {
    /** The current key set, copied into the resource: re-render and re-apply after a rotation. */
    INLINE,
    /** The gateway's JWKS URL, fetched and cached by istiod. */
    URI
  }

  /**
   * @param jwksJson the key set as served at {@code /.well-known/jwks.json}
   */
  public static JsonObject render(
      String name,
      String namespace,
      String issuer,
      KeySource source,
      String jwksUri,
      String jwksJson) {
    JsonObjectBuilder rule = Json.createObjectBuilder().add("issuer", issuer);
    if (source == KeySource.INLINE) {
      rule.add("jwks", jwksJson);
    } else {
      rule.add("jwksUri", jwksUri);
    }
    rule.add("forwardOriginalToken", false);
    return Json.createObjectBuilder()
        .add("apiVersion", API_VERSION)
        .add("kind", KIND)
        .add(
            "metadata",
            Json.createObjectBuilder()
                .add("name", name)
                .add("namespace", namespace)
                .add(
                    "labels",
                    Json.createObjectBuilder().add("app.kubernetes.io/managed-by", "meshgate")))
        .add(
            "spec", Json.createObjectBuilder().add("jwtRules", Json.createArrayBuilder().add(rule)))
        .build();
  }
}
