package it.io.meshgate.support;

import io.meshgate.token.BadTokens;
import io.meshgate.token.JwksServer;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An API that trusts an external identity provider, made through the admin API: a test IdP serving
 * its JWKS, the API ({@code client-auth} methods {@code jwt} and {@code oauth2}, {@code
 * subscription}, {@code scope}: {@code POST /orders/**} needs {@code orders:write}, {@code GET
 * /orders/**} needs {@code orders:read}, {@code token}, {@code headers}), a product with plan
 * {@code gold} granting both scopes, and an app subscribed to it whose client id the IdP's tokens
 * carry in {@code azp}.
 */
public final class IdpApi implements AutoCloseable {
  public static final String TYPE = "at+jwt";
  public final JwksServer idp = new JwksServer();
  public final String issuer;
  public final String audience;
  public final String basePath;
  public final String clientId;
  public final String clientSecret;
  public volatile BadTokens.Signer key;

  /**
   * @param unknownKidRefetchSeconds the API's interval between refetches for unknown kids
   */
  public IdpApi(int unknownKidRefetchSeconds) {
    String n = UUID.randomUUID().toString().substring(0, 8);
    issuer = "https://idp-" + n + ".it.example";
    audience = "orders-" + n;
    basePath = "/idp-" + n;
    clientId = "idp-app-" + n;
    key = BadTokens.generate("idp-key-1-" + n, "RS256");
    idp.serve(BadTokens.jwks(key));
    String name = "idp-" + n;
    long apiId =
        id(
            LimitedApi.admin(
                "POST",
                "/admin/v1/apis",
                """
                {"name":"%1$s","version":"v1","basePath":"%2$s","upstreamUrl":"%3$s%2$s",
                 "state":"published","steps":[
                  {"policy":"client-auth","config":{"methods":["jwt","oauth2"],"jwt":{
                    "issuer":"%4$s","jwksUrl":"%5$s","audiences":["%6$s"],"type":"at+jwt",
                    "unknownKidRefetchSeconds":%7$d}}},
                  {"policy":"subscription"},
                  {"policy":"scope","config":{"operations":[
                    {"method":"POST","path":"/orders/**","scopes":["orders:write"]},
                    {"method":"GET","path":"/orders/**","scopes":["orders:read"]}]}},
                  {"policy":"token"},{"policy":"headers"}]}
                """
                    .formatted(
                        name,
                        basePath,
                        Gateways.get().upstream().baseUrl(),
                        issuer,
                        idp.jwksUrl(),
                        audience,
                        unknownKidRefetchSeconds)));
    long productId =
        id(
            LimitedApi.admin(
                "POST",
                "/admin/v1/products",
                "{\"name\":\"" + name + "\",\"title\":\"IdP\",\"apis\":[" + apiId + "]}"));
    long planId =
        id(
            LimitedApi.admin(
                "POST",
                "/admin/v1/products/" + productId + "/plans",
                "{\"name\":\"gold\",\"scopes\":[\"orders:read\",\"orders:write\"]}"));
    JsonObject app =
        LimitedApi.admin(
            "POST",
            "/admin/v1/apps",
            "{\"name\":\"" + clientId + "\",\"clientId\":\"" + clientId + "\"}");
    long appId = id(app);
    clientSecret = app.getString("clientSecret");
    LimitedApi.admin(
        "POST", "/admin/v1/subscriptions", "{\"appId\":" + appId + ",\"planId\":" + planId + "}");
  }

  /** Claims of a valid end-user token for the app, issued now. */
  public Map<String, Object> claims(String user, String scope) {
    Map<String, Object> claims = BadTokens.claims(issuer, audience, user, Instant.now());
    claims.put("azp", clientId);
    claims.put("scope", scope);
    return claims;
  }

  /** A valid end-user token signed with the IdP's current key. */
  public String token(String user, String scope) {
    return BadTokens.sign(BadTokens.headerOf(key, TYPE), claims(user, scope), key);
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }

  @Override
  public void close() {
    idp.close();
  }
}
