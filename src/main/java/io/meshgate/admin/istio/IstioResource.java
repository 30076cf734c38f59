package io.meshgate.admin.istio;

import io.meshgate.admin.Actors;
import io.meshgate.admin.RequestValidator;
import io.meshgate.admin.audit.AuditLog;
import io.meshgate.admin.error.AdminErrors;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.security.AdminCaller;
import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.istio.Conformance;
import io.meshgate.istio.Drift;
import io.meshgate.istio.ManifestText;
import io.meshgate.istio.MeshManifests;
import io.meshgate.istio.RequestAuthentications;
import io.meshgate.proxy.GatewayHeaders;
import io.meshgate.support.Problem;
import io.meshgate.token.GatewaySigner;
import io.meshgate.token.Issuer;
import io.meshgate.token.SigningKeys;
import io.meshgate.token.TokenService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  /** 404: {@code ?api=} names no published API with a mesh destination. */
  public static final String MESH_API_NOT_FOUND = "MESH_API_NOT_FOUND";

  /** 409: two APIs name one destination Service but describe it differently. */
  public static final String MESH_DESTINATION_CONFLICT = "MESH_DESTINATION_CONFLICT";

  /** YAML's media type (RFC 9512). */
  public static final String YAML = "application/yaml";

  /** The response header that names the catalog revision the resources were compiled from. */
  public static final String REVISION_HEADER = "X-Meshgate-Catalog-Revision";

  @Inject MeshCatalog catalog;
  @Inject GatewayHeaders headers;

  /**
   * {@code GET
   * /admin/v1/istio/manifests?namespace=&api=&routing=istio|gateway-api&jwks=inline|uri}: every
   * mesh resource the catalog compiles to (see {@link MeshManifests}), as multi-document YAML, or
   * as a JSON {@code List} when the caller accepts JSON and not YAML.
   */
  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("manifests")
  @Produces({YAML, MediaType.APPLICATION_JSON})
  public Response manifests(
      @QueryParam("namespace") String namespace,
      @QueryParam("api") String api,
      @QueryParam("routing") String routing,
      @QueryParam("jwks") String jwks,
      @Context HttpHeaders request) {
    Compiled compiled = compile(namespace, api, routing, jwks);
    boolean json = prefersJson(request.getAcceptableMediaTypes());
    return Response.ok(
            json
                ? ManifestText.json(compiled.documents()).toString()
                : ManifestText.yaml(compiled.documents()),
            json ? MediaType.APPLICATION_JSON_TYPE : MediaType.valueOf(YAML))
        .header(REVISION_HEADER, compiled.revision())
        .build();
  }

  /** 413: a drift report's body is larger than {@link #MAX_DRIFT_BYTES}. */
  public static final String BODY_TOO_LARGE = "BODY_TOO_LARGE";

  /** The largest body the drift report reads. */
  public static final int MAX_DRIFT_BYTES = 2 * 1024 * 1024;

  /** The media types a drift body may have: YAML in any of its spellings, JSON, plain text. */
  private static final List<String> DRIFT_TYPES =
      List.of(
          YAML,
          "application/x-yaml",
          "text/yaml",
          "text/x-yaml",
          MediaType.APPLICATION_JSON,
          MediaType.TEXT_PLAIN);

  /**
   * {@code POST /admin/v1/istio/drift?namespace=&api=&routing=&jwks=} with the resources applied in
   * the cluster (YAML or JSON, e.g. {@code kubectl get
   * requestauthentications,authorizationpolicies, virtualservices,destinationrules -n NS -l
   * app.kubernetes.io/managed-by=meshgate -o yaml}): what is missing, extra or different, field by
   * field, against what the catalog compiles to now with the same parameters (see {@link Drift}).
   * JSON, or lines of text when the caller accepts {@code text/plain} and not JSON. It changes
   * nothing, but like every POST it is an admin's.
   */
  @POST
  @RolesAllowed(AdminCaller.ADMIN)
  @Path("drift")
  @Consumes(MediaType.WILDCARD)
  @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
  public Response drift(
      InputStream body,
      @QueryParam("namespace") String namespace,
      @QueryParam("api") String api,
      @QueryParam("routing") String routing,
      @QueryParam("jwks") String jwks,
      @Context HttpHeaders request)
      throws IOException {
    MediaType type = request.getMediaType();
    if (type == null
        || DRIFT_TYPES.stream().noneMatch(t -> MediaType.valueOf(t).isCompatible(type))
        || (type.getParameters().containsKey("charset")
            && !"utf-8".equalsIgnoreCase(type.getParameters().get("charset")))) {
      throw new AdminException(
          415,
          AdminErrors.UNSUPPORTED_MEDIA_TYPE,
          "Send the applied resources as application/yaml or application/json (UTF-8)");
    }
    byte[] bytes = body.readNBytes(MAX_DRIFT_BYTES + 1);
    if (bytes.length > MAX_DRIFT_BYTES) {
      throw new AdminException(
          413, BODY_TOO_LARGE, "The body is larger than " + MAX_DRIFT_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new AdminException(400, AdminErrors.MALFORMED_BODY, "The body is not valid UTF-8");
    }
    List<Map<String, Object>> applied;
    try {
      applied = ManifestText.read(text);
    } catch (IllegalArgumentException e) {
      throw new AdminException(400, AdminErrors.MALFORMED_BODY, "The body " + e.getMessage());
    }
    for (int i = 0; i < applied.size(); i++) {
      Map<String, Object> doc = applied.get(i);
      if (!(doc.get("apiVersion") instanceof String)
          || !(doc.get("kind") instanceof String)
          || !(doc.get("metadata") instanceof Map<?, ?> metadata)
          || !(metadata.get("name") instanceof String)) {
        throw new AdminException(
            400,
            AdminErrors.MALFORMED_BODY,
            "Object "
                + (i + 1)
                + " of the body is not a Kubernetes object (apiVersion, kind and metadata.name)");
      }
    }
    Compiled compiled = compile(namespace, api, routing, jwks);
    Drift.Report report = Drift.compare(compiled.revision(), compiled.documents(), applied);
    boolean lines = prefersText(request.getAcceptableMediaTypes());
    return Response.ok(
            lines ? Drift.text(report) : Drift.json(report).toString(),
            lines ? MediaType.TEXT_PLAIN_TYPE : MediaType.APPLICATION_JSON_TYPE)
        .header(REVISION_HEADER, compiled.revision())
        .build();
  }

  /** Text only when the caller accepts it before JSON. */
  static boolean prefersText(List<MediaType> acceptable) {
    for (MediaType type : acceptable) {
      if (type.isWildcardType() || type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
        return false;
      }
      if (type.isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
        return true;
      }
    }
    return false;
  }

  @Inject RequestValidator validator;

  /**
   * {@code POST /admin/v1/istio/conformance}: runs the mesh conformance self-test (see {@link
   * Conformance}) from this replica, which sits in the mesh, against an API's destination. JSON, or
   * a JUnit XML report when the caller accepts {@code application/xml} and not JSON. The answer is
   * 200 whatever the outcome; {@code passed} (or the report's failures) says it. Admin only: it
   * signs genuine tokens for each plan (subject {@value Conformance#SUBJECT}, 60 seconds) and sends
   * them where the request says.
   */
  @POST
  @RolesAllowed(AdminCaller.ADMIN)
  @Path("conformance")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML})
  public Response conformance(ConformanceRequest body, @Context HttpHeaders request) {
    RequestValidator.required(body);
    List<Problem.Violation> violations = new ArrayList<>(validator.violationsOf(body));
    if ((body.versionHeader() == null) == (body.versionField() == null)) {
      violations.add(
          new Problem.Violation(
              "versionHeader", "name either versionHeader or versionField (exactly one)"));
    }
    if (!violations.isEmpty()) {
      throw AdminException.invalid(violations);
    }
    if (!catalog.hasApi(body.api())) {
      throw new AdminException(
          404,
          MESH_API_NOT_FOUND,
          "No published API named " + body.api() + " names a mesh destination");
    }
    List<MeshManifests.MeshApi> found = catalog.read(null, body.api()).apis();
    if (found.isEmpty()) { // unpublished since hasApi
      throw new AdminException(
          404,
          MESH_API_NOT_FOUND,
          "No published API named " + body.api() + " names a mesh destination");
    }
    MeshManifests.MeshApi api = found.get(0);
    MeshDestination d = api.destination();
    Map<String, Set<String>> versions = new TreeMap<>();
    for (MeshManifests.PlanAccess access : api.plans()) {
      List<MeshDestination.Backend> route =
          d.plans() != null && d.plans().containsKey(access.plan())
              ? d.plans().get(access.plan())
              : d.defaultRoute();
      Set<String> reachable = new TreeSet<>();
      route.stream()
          .filter(b -> b.weight() == null || b.weight() > 0)
          .forEach(b -> reachable.add(b.subset()));
      versions.put(access.plan(), reachable);
    }
    String upstream = catalog.upstreamUrl(body.api());
    URI url = target(body.url() != null ? body.url() : upstream, upstream, d);
    Conformance.Target target =
        new Conformance.Target(
            url,
            issuer.url(),
            api.audience(),
            TokenService.CLAIM_PLAN,
            headers.clientPlan(),
            versions,
            body.versionHeader(),
            body.versionField());
    GatewaySigner signer = GatewaySigner.of(keys);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Conformance.Result result =
        Conformance.run(target, claims -> signer.sign(claims, "JWT").token(), client, clock);
    String actor = Actors.of(security);
    audit.action(
        actor,
        "istio.conformance",
        "api",
        body.api(),
        Map.of(
            "url", url.toString(), "tests", result.cases().size(), "failures", result.failures()));
    LOG.info(
        () ->
            "Mesh conformance of "
                + body.api()
                + " at "
                + url
                + " by "
                + actor
                + ": "
                + result.failures()
                + " of "
                + result.cases().size()
                + " cases failed");
    boolean xml = prefersXml(request.getAcceptableMediaTypes());
    return Response.ok(
            xml ? Conformance.junitXml(result) : Conformance.json(result).toString(),
            xml ? MediaType.APPLICATION_XML_TYPE : MediaType.APPLICATION_JSON_TYPE)
        .build();
  }

  @Inject Clock clock;
  @Inject AuditLog audit;
  @Context SecurityContext security;

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(IstioResource.class.getName());

  /** Hosts the self-test may call besides the API's destination and upstream host (tests). */
  @Inject
  @ConfigProperty(name = "meshgate.istio.conformance.allowed-hosts")
  Optional<List<String>> allowedHosts;

  /**
   * The URL to test: an absolute http(s) URL whose host is the API's destination Service (any of
   * its cluster names) or its upstream URL's host. The self-test sends genuine tokens, so it goes
   * nowhere else (no other service, no metadata endpoint).
   */
  URI target(String url, String upstream, MeshDestination d) {
    URI uri;
    try {
      uri = new URI(url);
      if (uri.getHost() == null || uri.getPort() > 65535) {
        throw new URISyntaxException(url, "no host");
      }
      HttpRequest.newBuilder(uri); // refuses what the client could not send
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw AdminException.invalid("url", "must be an absolute http or https URL with a host");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    Set<String> allowed =
        new java.util.HashSet<>(
            List.of(
                d.service(),
                d.service() + "." + d.namespace(),
                d.service() + "." + d.namespace() + ".svc",
                d.host(),
                URI.create(upstream).getHost().toLowerCase(Locale.ROOT)));
    allowedHosts.ifPresent(hosts -> hosts.forEach(h -> allowed.add(h.toLowerCase(Locale.ROOT))));
    if (!allowed.contains(host)) {
      throw AdminException.invalid(
          "url",
          "must name the API's destination ("
              + d.host()
              + ") or its upstream host, since the self-test sends genuine tokens (was "
              + host
              + ")");
    }
    return uri;
  }

  /** XML only when the caller accepts it before JSON. */
  static boolean prefersXml(List<MediaType> acceptable) {
    for (MediaType type : acceptable) {
      if (type.isWildcardType() || type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
        return false;
      }
      if (type.isCompatible(MediaType.APPLICATION_XML_TYPE)
          || type.isCompatible(MediaType.TEXT_XML_TYPE)) {
        return true;
      }
    }
    return false;
  }

  /** What the catalog compiles to now, and the revision it was read at. */
  public record Compiled(long revision, List<Map<String, Object>> documents) {}

  Compiled compile(String namespace, String api, String routing, String jwks) {
    String ns = namespace == null || namespace.isBlank() ? null : namespace;
    if (ns != null && !LABEL.matcher(ns).matches()) {
      throw AdminException.invalid(
          "namespace", "must be a Kubernetes namespace (lower-case RFC 1123 label, at most 63)");
    }
    String apiName = api == null || api.isBlank() ? null : api;
    if (apiName != null && apiName.length() > 100) {
      throw AdminException.invalid("api", "must be an API name (at most 100 characters)");
    }
    MeshManifests.Routing form;
    String r = routing == null || routing.isBlank() ? "istio" : routing.toLowerCase(Locale.ROOT);
    switch (r) {
      case "istio" -> form = MeshManifests.Routing.ISTIO;
      case "gateway-api" -> form = MeshManifests.Routing.GATEWAY_API;
      default -> throw AdminException.invalid("routing", "must be istio or gateway-api");
    }
    if (apiName != null && !catalog.hasApi(apiName)) {
      throw new AdminException(
          404,
          MESH_API_NOT_FOUND,
          "No published API named " + apiName + " names a mesh destination");
    }
    MeshCatalog.Snapshot snapshot = catalog.read(ns, apiName);
    MeshManifests.Settings settings =
        new MeshManifests.Settings(
            issuer.url(),
            keySource(jwks),
            jwksUri.filter(s -> !s.isBlank()).orElse(issuer.jwksUri()),
            keys.jwksJson(),
            headers.clientPlan(),
            TokenService.CLAIM_PLAN,
            snapshot.revision(),
            form);
    try {
      return new Compiled(snapshot.revision(), MeshManifests.compile(snapshot.apis(), settings));
    } catch (MeshManifests.ConflictException e) {
      throw new AdminException(409, MESH_DESTINATION_CONFLICT, e.getMessage());
    }
  }

  /** JSON only when the caller accepts it more than YAML; YAML for {@code *}{@code /*}. */
  static boolean prefersJson(List<MediaType> acceptable) {
    for (MediaType type : acceptable) {
      if (type.isCompatible(MediaType.valueOf(YAML)) || type.isWildcardType()) {
        return false;
      }
      if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
        return true;
      }
    }
    return false;
  }

  private static RequestAuthentications.KeySource keySource(String jwks) {
    String choice = jwks == null || jwks.isBlank() ? "inline" : jwks.toLowerCase(Locale.ROOT);
    return switch (choice) {
      case "inline" -> RequestAuthentications.KeySource.INLINE;
      case "uri" -> RequestAuthentications.KeySource.URI;
      default -> throw AdminException.invalid("jwks", "must be inline or uri");
    };
  }

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
    RequestAuthentications.KeySource source = keySource(jwks);
    return RequestAuthentications.render(
        n,
        ns,
        issuer.url(),
        source,
        jwksUri.filter(s -> !s.isBlank()).orElse(issuer.jwksUri()),
        keys.jwksJson());
  }
}
