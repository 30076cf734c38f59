package io.meshgate.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.app.AppState;
import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.oauth.ClientCredentialsGrant.Granted;
import io.meshgate.oauth.ClientCredentialsGrant.Refused;
import io.meshgate.support.SecretDigester;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientCredentialsGrantTest {
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String CC = "grant_type=client_credentials";

  private final SecretDigester digester =
      SecretDigester.withPepper(
          "test-pepper-32-bytes-long-enough".getBytes(StandardCharsets.UTF_8));
  private final Map<String, AppSnapshot> apps = new HashMap<>();
  private final ClientCredentialsGrant grant =
      new ClientCredentialsGrant(id -> Optional.ofNullable(apps.get(id)), digester);

  ClientCredentialsGrantTest() {
    PlanSnapshot gold = new PlanSnapshot(1, "gold", 1, "shop", List.of("orders:read", "w"), 600);
    PlanSnapshot beta = new PlanSnapshot(2, "beta", 2, "labs", List.of("labs", "w"), 600);
    PlanSnapshot pending = new PlanSnapshot(3, "vip", 3, "vip", List.of("vip:all"), 600);
    PlanSnapshot paused = new PlanSnapshot(4, "ops", 4, "ops", List.of("ops"), 600);
    app(
        "shop",
        "s3cret",
        AppState.ACTIVE,
        new SubscriptionSnapshot(1, SubscriptionState.ACTIVE, gold),
        new SubscriptionSnapshot(2, SubscriptionState.ACTIVE, beta),
        new SubscriptionSnapshot(3, SubscriptionState.PENDING, pending),
        new SubscriptionSnapshot(4, SubscriptionState.SUSPENDED, paused));
    app("frozen", "frozen-secret", AppState.SUSPENDED, sub(gold));
    app("lonely", "lonely-secret", AppState.ACTIVE);
    app("odd id:é", "p@ss word+:x%", AppState.ACTIVE, sub(gold));
  }

  // --- client authentication ---

  @Test
  void clientSecretBasicGetsEveryScopeOfItsActivePlans() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC))
        .isEqualTo(new Granted("shop", List.of("orders:read", "w", "labs")));
  }

  @Test
  void clientSecretPost() {
    assertThat(grant.decide(FORM, null, CC + "&client_id=shop&client_secret=s3cret"))
        .isEqualTo(new Granted("shop", List.of("orders:read", "w", "labs")));
  }

  @Test
  void basicCredentialsAreFormUrlDecodedAsRfc6749Says() {
    String id = URLEncoder.encode("odd id:é", StandardCharsets.UTF_8);
    String secret = URLEncoder.encode("p@ss word+:x%", StandardCharsets.UTF_8);
    assertThat(grant.decide(FORM, basic(id, secret), CC)).isInstanceOf(Granted.class);
  }

  @Test
  void postedCredentialsArePercentDecoded() {
    String body =
        CC
            + "&client_id="
            + URLEncoder.encode("odd id:é", StandardCharsets.UTF_8)
            + "&client_secret="
            + URLEncoder.encode("p@ss word+:x%", StandardCharsets.UTF_8);
    assertThat(grant.decide(FORM, null, body)).isInstanceOf(Granted.class);
  }

  @Test
  void basicSchemeIsCaseInsensitiveAndAMatchingClientIdParamIsAllowed() {
    String header = "bAsIc " + basic("shop", "s3cret").substring("Basic ".length());
    assertThat(grant.decide(FORM, header, CC + "&client_id=shop")).isInstanceOf(Granted.class);
  }

  @Test
  void bothAuthenticationMethodsAtOnceIsInvalidRequest() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&client_secret=s3cret"))
        .isEqualTo(new Refused(400, "invalid_request", "Use one client authentication method"));
  }

  @Test
  void basicIdAndPostedIdMustAgree() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&client_id=lonely"))
        .isEqualTo(
            new Refused(400, "invalid_request", "client_id does not match the Basic credentials"));
  }

  @Test
  void wrongSecretIsInvalidClient() {
    assertThat(grant.decide(FORM, basic("shop", "guess"), CC))
        .isEqualTo(new Refused(401, "invalid_client", "Client authentication failed"));
    assertThat(grant.decide(FORM, null, CC + "&client_id=shop&client_secret=guess"))
        .isEqualTo(new Refused(401, "invalid_client", "Client authentication failed"));
  }

  @Test
  void unknownClientIsInvalidClientWithTheSameDescription() {
    assertThat(grant.decide(FORM, basic("ghost", "s3cret"), CC))
        .isEqualTo(new Refused(401, "invalid_client", "Client authentication failed"));
  }

  @Test
  void suspendedAppIsInvalidClient() {
    assertThat(grant.decide(FORM, basic("frozen", "frozen-secret"), CC))
        .isEqualTo(new Refused(401, "invalid_client", "The client is suspended"));
  }

  @Test
  void suspendedAppWithAWrongSecretDoesNotLearnItIsSuspended() {
    assertThat(grant.decide(FORM, basic("frozen", "guess"), CC))
        .isEqualTo(new Refused(401, "invalid_client", "Client authentication failed"));
  }

  @Test
  void noClientAuthenticationIsInvalidClient() {
    Refused required = new Refused(401, "invalid_client", "Client authentication is required");
    assertThat(grant.decide(FORM, null, CC)).isEqualTo(required);
    assertThat(grant.decide(FORM, null, CC + "&client_id=shop")).isEqualTo(required);
    assertThat(grant.decide(FORM, null, CC + "&client_id=shop&client_secret=")).isEqualTo(required);
    assertThat(grant.decide(FORM, null, CC + "&client_secret=s3cret")).isEqualTo(required);
    // Another scheme is not client authentication.
    assertThat(grant.decide(FORM, "Bearer abc", CC)).isEqualTo(required);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic !!!", "Basic ", "Basic c2hvcA==", "Basic OnMzY3JldA=="})
  void malformedOrIncompleteBasicIsInvalidClient(String header) {
    // not base64; empty; "shop" without a colon; ":s3cret" without an id
    assertThat(grant.decide(FORM, header, CC))
        .isEqualTo(
            new Refused(
                401, "invalid_client", "The Basic credentials are malformed or incomplete"));
  }

  @Test
  void badEscapeInsideBasicIsInvalidClientNotAnException() {
    assertThat(grant.decide(FORM, basic("shop%zz", "s3cret"), CC))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.status()).isEqualTo(401));
  }

  // --- the form ---

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/x-www-form-urlencoded; charset=UTF-8",
        "Application/X-WWW-Form-URLEncoded",
        " application/x-www-form-urlencoded ;charset=utf-8"
      })
  void formContentTypeWithParametersOrOtherCase(String contentType) {
    assertThat(grant.decide(contentType, basic("shop", "s3cret"), CC)).isInstanceOf(Granted.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencodedx",
        ""
      })
  void otherContentTypesAreInvalidRequest(String contentType) {
    assertThat(grant.decide(contentType, basic("shop", "s3cret"), CC))
        .isEqualTo(
            new Refused(
                400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"));
  }

  @Test
  void missingContentTypeIsInvalidRequest() {
    assertThat(grant.decide(null, basic("shop", "s3cret"), CC))
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.error()).isEqualTo("invalid_request"));
  }

  @Test
  void missingOrEmptyGrantTypeIsInvalidRequest() {
    Refused required = new Refused(400, "invalid_request", "grant_type is required");
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), "")).isEqualTo(required);
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), "grant_type=")).isEqualTo(required);
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), "scope=w")).isEqualTo(required);
  }

  @Test
  void repeatedParameterIsInvalidRequest() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&" + CC))
        .isEqualTo(new Refused(400, "invalid_request", "Parameter grant_type is repeated"));
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=w&scope=labs"))
        .isEqualTo(new Refused(400, "invalid_request", "Parameter scope is repeated"));
  }

  @Test
  void malformedPercentEscapeIsInvalidRequest() {
    Refused malformed =
        new Refused(400, "invalid_request", "The form body has a malformed percent-escape");
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=%zz")).isEqualTo(malformed);
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=%4")).isEqualTo(malformed);
  }

  @Test
  void unknownGrantTypeIsUnsupportedGrantType() {
    for (String g : List.of("password", "authorization_code", "Client_Credentials", "x y")) {
      assertThat(
              grant.decide(
                  FORM,
                  basic("shop", "s3cret"),
                  "grant_type=" + URLEncoder.encode(g, StandardCharsets.UTF_8)))
          .as(g)
          .isEqualTo(
              new Refused(400, "unsupported_grant_type", "Only client_credentials is supported"));
    }
  }

  @Test
  void emptyPairsAndUnknownParametersAreIgnored() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), "&&" + CC + "&audience=x&"))
        .isInstanceOf(Granted.class);
  }

  // --- scopes ---

  @Test
  void requestedSubsetIsGrantedInRequestOrderWithoutDuplicates() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=labs+orders%3Aread+labs"))
        .isEqualTo(new Granted("shop", List.of("labs", "orders:read")));
  }

  @Test
  void extraSpacesAroundScopesAreTolerated() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=%20w%20%20labs%20"))
        .isEqualTo(new Granted("shop", List.of("w", "labs")));
  }

  @Test
  void blankScopeMeansEveryAllowedScope() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope="))
        .isEqualTo(new Granted("shop", List.of("orders:read", "w", "labs")));
  }

  @Test
  void scopeOfAPendingOrSuspendedSubscriptionIsInvalidScope() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=w+vip%3Aall+ops"))
        .isEqualTo(new Refused(400, "invalid_scope", "The client may not have scope vip:all ops"));
  }

  @Test
  void anyScopeOfAClientWithoutActivePlansIsInvalidScope() {
    assertThat(grant.decide(FORM, basic("lonely", "lonely-secret"), CC))
        .isEqualTo(new Granted("lonely", List.of()));
    assertThat(grant.decide(FORM, basic("lonely", "lonely-secret"), CC + "&scope=w"))
        .isEqualTo(new Refused(400, "invalid_scope", "The client may not have scope w"));
  }

  @Test
  void scopesAreCaseSensitive() {
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=LABS"))
        .isEqualTo(new Refused(400, "invalid_scope", "The client may not have scope LABS"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a%22b", "a%5Cb", "%C3%A9", "a%09b", "a%0Ab"})
  void scopeWithCharactersOutsideRfc6749IsMalformed(String scope) {
    // '"', '\', non-ASCII, tab, newline
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&scope=" + scope))
        .isEqualTo(new Refused(400, "invalid_scope", "The scope is malformed"));
  }

  // --- error descriptions ---

  @Test
  void descriptionsKeepToTheRfcCharacterSet() {
    Refused r = new Refused(400, "invalid_request", "Parameter a\"b\\c\né is repeated");
    assertThat(r.description()).isEqualTo("Parameter a?b?c?? is repeated");
    assertThat(grant.decide(FORM, basic("shop", "s3cret"), CC + "&%22%0A=1&%22%0A=2"))
        .isEqualTo(new Refused(400, "invalid_request", "Parameter ?? is repeated"));
  }

  @Test
  void longDescriptionsAreCut() {
    assertThat(new Refused(400, "invalid_request", "x".repeat(1000)).description()).hasSize(200);
  }

  private void app(String clientId, String secret, AppState state, SubscriptionSnapshot... subs) {
    apps.put(
        clientId,
        new AppSnapshot(
            apps.size() + 1, clientId, clientId, state, digester.digest(secret), List.of(subs)));
  }

  private static SubscriptionSnapshot sub(PlanSnapshot plan) {
    return new SubscriptionSnapshot(plan.id() + 100, SubscriptionState.ACTIVE, plan);
  }

  private static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
