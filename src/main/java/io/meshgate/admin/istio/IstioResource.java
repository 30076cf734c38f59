package io.meshgate.admin.istio;

import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.security.AdminCaller;
import io.meshgate.istio.RequestAuthentications;
import io.meshgate.token.Issuer;
import io.meshgate.token.SigningKeys;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /admin/v1/istio/request-authentication?namespace=&name=&jwks=inline|uri}: the Istio
 * resource that makes the mesh verify meshgate's tokens, as JSON that {@code kubectl apply -f -}
 * takes as it is.
 */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/istio")
@Produces(MediaType.APPLICATION_JSON)
public class IstioResource {
  /** A Kubernetes namespace: an RFC 1123 label. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** A Kubernetes object name: an RFC 1123 subdomain. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  @Inject Issuer issuer;
  @Inject SigningKeys keys;

  /** The JWKS URL as istiod reaches it; defaults to the issuer's. */
  @Inject
  @ConfigProperty(name = "meshgate.istio.jwks-uri")
  Optional<String> jwksUri;

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("request-authentication")
  public JsonObject requestAuthentication(
      @QueryParam("namespace") String namespace,
      @QueryParam("name") String name,
      @QueryParam("jwks") String jwks) {
    String ns = namespace == null || namespace.isBlank() ? "istio-system" : namespace;
    if (!LABEL.matcher(ns).matches()) {
      throw AdminException.invalid(
          "namespace", "must be a Kubernetes namespace (lower-case RFC 1123 label, at most 63)");
    }
    String n = name == null || name.isBlank() ? "meshgate-jwt" : name;
    if (n.length() > 253 || !SUBDOMAIN.matcher(n).matches()) {
      throw AdminException.invalid(
          "name", "must be a Kubernetes object name (lower-case RFC 1123 subdomain)");
    }
    RequestAuthentications.KeySource source;
    String choice = jwks == null || jwks.isBlank() ? "inline" : jwks.toLowerCase(Locale.ROOT);
    switch (choice) {
      case "inline" -> source = RequestAuthentications.KeySource.INLINE;
      case "uri" -> source = RequestAuthentications.KeySource.URI;
      default -> throw AdminException.invalid("jwks", "must be inline or uri");
    }
    return RequestAuthentications.render(
        n,
        ns,
        issuer.url(),
        source,
        jwksUri.filter(s -> !s.isBlank()).orElse(issuer.jwksUri()),
        keys.jwksJson());
  }
}
