package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Public key material and issuer metadata for Istio and any other verifier: public parameters only,
 * cacheable.
 */
@ApplicationScoped
@Path(".well-known")
public class WellKnownResource {

  @Inject SigningKeys keys;
  @Inject Issuer issuer;

  @Inject
  @ConfigProperty(name = "meshgate.jwks.max-age-seconds", defaultValue = "300")
  int maxAgeSeconds;

  @GET
  @Path("jwks.json")
  @Produces(MediaType.APPLICATION_JSON)
  public Response jwks() {
    return Response.ok(keys.jwksJson())
        .header("Cache-Control", "public, max-age=" + maxAgeSeconds)
        .build();
  }

  @GET
  @Path("openid-configuration")
  @Produces(MediaType.APPLICATION_JSON)
  public Response discovery() {
    String body =
        Json.createObjectBuilder()
            .add("issuer", issuer.url())
            .add("jwks_uri", issuer.jwksUri())
            .add(
                "id_token_signing_alg_values_supported",
                Json.createArrayBuilder().add("ES256").add("RS256"))
            .build()
            .toString();
    return Response.ok(body).header("Cache-Control", "public, max-age=" + maxAgeSeconds).build();
  }
}
