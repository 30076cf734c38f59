package io.meshgate.admin.apis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.PolicyConfigReader;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenApiCompilerTest {
  private static final String BASE = "https://api.example.com";
  private static final List<OpenApiCompiler.Plan> PLANS =
      List.of(
          new OpenApiCompiler.Plan("shop", "gold", List.of("orders:write", "orders:read")),
          new OpenApiCompiler.Plan("shop", "basic", List.of("orders:read")));

  private ValidatorFactory validation;
  private OpenApiCompiler compiler;

  @BeforeEach
  void setUp() {
    validation = Validation.buildDefaultValidatorFactory();
    compiler = new OpenApiCompiler(new PolicyConfigReader(validation.getValidator()));
  }

  @AfterEach
  void tearDown() {
    validation.close();
  }

  private static ApiView api(String basePath, String... steps) {
    List<ApiView.StepView> views = new ArrayList<>();
    for (int i = 0; i < steps.length; i += 2) {
      JsonObject config =
          Json.createReader(new StringReader(steps[i + 1] == null ? "{}" : steps[i + 1]))
              .readObject();
      views.add(new ApiView.StepView(steps[i], config));
    }
    return new ApiView(
        7,
        "orders",
        "v2",
        basePath,
        "http://orders.shop.svc:8080",
        null,
        null,
        null,
        "published",
        4,
        views,
        null,
        Instant.EPOCH,
        Instant.EPOCH);
  }

  private static final ApiView STANDARD =
      api(
          "/orders",
          "client-auth",
          "{\"methods\":[\"api-key\",\"oauth2\",\"certificate\"],\"apiKeyQueryParam\":\"key\"}",
          "subscription",
          null,
          "scope",
          "{\"operations\":[{\"method\":\"GET\",\"path\":\"/orders/{id}\","
              + "\"scopes\":[\"orders:read\"]}]}",
          "rate-limit",
          "{\"operations\":[{\"method\":\"POST\",\"path\":\"/orders\","
              + "\"rateLimit\":{\"limit\":5,\"per\":\"second\"}},"
              + "{\"method\":\"*\",\"path\":\"/reports/**\",\"burst\":{\"limit\":2,\"windowMs\":1000}}]}",
          "token",
          null,
          "headers",
          null);

  @Test
  void infoAndServersComeFromTheCatalogAndTheBaseUrl() {
    JsonObject doc = compiler.compile(STANDARD, PLANS, BASE);

    assertThat(doc.keySet())
        .containsExactly("openapi", "info", "servers", "security", "paths", "components");
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    JsonObject info = doc.getJsonObject("info");
    assertThat(info.getString("title")).isEqualTo("orders");
    assertThat(info.getString("version")).isEqualTo("v2");
    assertThat(info.getInt("x-meshgate-api-id")).isEqualTo(7);
    assertThat(info.getJsonArray("x-meshgate-plans").toString())
        .isEqualTo(
            "[{\"product\":\"shop\",\"plan\":\"basic\",\"scopes\":[\"orders:read\"]},"
                + "{\"product\":\"shop\",\"plan\":\"gold\","
                + "\"scopes\":[\"orders:read\",\"orders:write\"]}]");
    assertThat(doc.getJsonArray("servers").toString())
        .isEqualTo("[{\"url\":\"https://api.example.com/orders\"}]");
    assertThat(compiler.compile(api("/"), List.of(), BASE).getJsonArray("servers").toString())
        .isEqualTo("[{\"url\":\"https://api.example.com\"}]");
  }

  @Test
  void securitySchemesFollowTheClientAuthStep() {
    JsonObject doc = compiler.compile(STANDARD, PLANS, BASE);

    assertThat(doc.getJsonArray("security").toString())
        .isEqualTo("[{\"apiKey\":[]},{\"apiKeyQuery\":[]},{\"oauth2\":[]},{\"mutualTLS\":[]}]");
    JsonObject schemes = doc.getJsonObject("components").getJsonObject("securitySchemes");
    assertThat(schemes.keySet()).containsExactly("apiKey", "apiKeyQuery", "oauth2", "mutualTLS");
    assertThat(schemes.getJsonObject("apiKey").toString())
        .isEqualTo(
            "{\"type\":\"apiKey\",\"in\":\"header\",\"name\":\"X-API-Key\","
                + "\"description\":\"An API key of your app.\"}");
    assertThat(schemes.getJsonObject("apiKeyQuery").getString("in")).isEqualTo("query");
    assertThat(schemes.getJsonObject("apiKeyQuery").getString("name")).isEqualTo("key");
    assertThat(
            schemes
                .getJsonObject("oauth2")
                .getJsonObject("flows")
                .getJsonObject("clientCredentials")
                .toString())
        .isEqualTo(
            "{\"tokenUrl\":\"https://api.example.com/oauth2/token\",\"scopes\":{"
                + "\"orders:read\":\"Granted by plan shop/basic, shop/gold\","
                + "\"orders:write\":\"Granted by plan shop/gold\"}}");
    assertThat(schemes.getJsonObject("mutualTLS").getString("type")).isEqualTo("mutualTLS");

    JsonObject unoffered =
        compiler
            .compile(STANDARD, List.of(), BASE)
            .getJsonObject("components")
            .getJsonObject("securitySchemes")
            .getJsonObject("oauth2")
            .getJsonObject("flows")
            .getJsonObject("clientCredentials")
            .getJsonObject("scopes");
    assertThat(unoffered.toString())
        .isEqualTo(
            "{\"orders:read\":\"Needed by some operations; no plan offering this API grants"
                + " it\"}");
  }

  @Test
  void defaultClientAuthIsKeysAndClientSecretsAndAnIdentityProviderIsABearerScheme() {
    JsonObject defaults = compiler.compile(api("/o", "client-auth", null), List.of(), BASE);
    assertThat(defaults.getJsonArray("security").toString())
        .isEqualTo("[{\"apiKey\":[]},{\"clientId\":[],\"clientSecret\":[]},{\"clientBasic\":[]}]");
    JsonObject schemes = defaults.getJsonObject("components").getJsonObject("securitySchemes");
    assertThat(schemes.getJsonObject("clientId").getString("name")).isEqualTo("X-Client-Id");
    assertThat(schemes.getJsonObject("clientSecret").getString("name"))
        .isEqualTo("X-Client-Secret");
    assertThat(schemes.getJsonObject("clientBasic").getString("scheme")).isEqualTo("basic");

    JsonObject idp =
        compiler
            .compile(
                api(
                    "/o",
                    "client-auth",
                    "{\"methods\":[\"jwt\"],\"jwt\":{\"issuer\":\"https://idp.example.com\","
                        + "\"jwksUrl\":\"https://idp.example.com/certs\","
                        + "\"audiences\":[\"orders-api\"]}}"),
                List.of(),
                BASE)
            .getJsonObject("components")
            .getJsonObject("securitySchemes");
    assertThat(idp.toString())
        .isEqualTo(
            "{\"idpBearer\":{\"type\":\"http\",\"scheme\":\"bearer\",\"bearerFormat\":\"JWT\","
                + "\"description\":\"An access token of the identity provider"
                + " https://idp.example.com for audience orders-api.\","
                + "\"x-meshgate-issuer\":\"https://idp.example.com\"}}");
  }

  @Test
  void anApiWithoutClientAuthNeedsNoCredentialAndAnswersNo401() {
    JsonObject doc = compiler.compile(api("/open"), List.of(), BASE);

    assertThat(doc.getJsonArray("security").toString()).isEqualTo("[]");
    assertThat(doc.getJsonObject("components").containsKey("securitySchemes")).isFalse();
    assertThat(doc.getJsonObject("components").getJsonObject("responses").keySet())
        .containsExactly(
            "BadRequest",
            "ContentTooLarge",
            "RequestHeaderFieldsTooLarge",
            "InternalServerError",
            "BadGateway",
            "ServiceUnavailable",
            "GatewayTimeout",
            "Upstream");
    assertThat(doc.getJsonObject("paths").keySet()).containsExactly("/{path}");
  }

  @Test
  void pathsAreTheAnyPathAndTheOperationsOfTheStepsWithEveryForwardedMethod() {
    JsonObject paths = compiler.compile(STANDARD, PLANS, BASE).getJsonObject("paths");

    assertThat(paths.keySet())
        .containsExactly("/orders", "/orders/{id}", "/reports/{path}", "/{path}");
    JsonObject any = paths.getJsonObject("/{path}");
    assertThat(any.keySet())
        .containsExactly(
            "x-meshgate-any-path",
            "parameters",
            "get",
            "head",
            "post",
            "put",
            "patch",
            "delete",
            "options");
    assertThat(any.getBoolean("x-meshgate-any-path")).isTrue();
    assertThat(any.getJsonArray("parameters").toString())
        .isEqualTo(
            "[{\"name\":\"path\",\"in\":\"path\",\"required\":true,\"description\":\"Any rest of"
                + " the path, slashes included: the gateway forwards it as it is.\","
                + "\"schema\":{\"type\":\"string\"}}]");
    assertThat(any.getJsonObject("get").toString())
        .isEqualTo(
            "{\"responses\":{"
                + "\"400\":{\"$ref\":\"#/components/responses/BadRequest\"},"
                + "\"401\":{\"$ref\":\"#/components/responses/Unauthorized\"},"
                + "\"403\":{\"$ref\":\"#/components/responses/Forbidden\"},"
                + "\"413\":{\"$ref\":\"#/components/responses/ContentTooLarge\"},"
                + "\"429\":{\"$ref\":\"#/components/responses/TooManyRequests\"},"
                + "\"431\":{\"$ref\":\"#/components/responses/RequestHeaderFieldsTooLarge\"},"
                + "\"500\":{\"$ref\":\"#/components/responses/InternalServerError\"},"
                + "\"502\":{\"$ref\":\"#/components/responses/BadGateway\"},"
                + "\"503\":{\"$ref\":\"#/components/responses/ServiceUnavailable\"},"
                + "\"504\":{\"$ref\":\"#/components/responses/GatewayTimeout\"},"
                + "\"default\":{\"$ref\":\"#/components/responses/Upstream\"}}}");

    JsonObject byId = paths.getJsonObject("/orders/{id}");
    assertThat(byId.containsKey("x-meshgate-any-path")).isFalse();
    assertThat(byId.getJsonArray("parameters").getJsonObject(0).getString("name")).isEqualTo("id");
    for (String method : List.of("get", "head")) {
      JsonObject op = byId.getJsonObject(method);
      assertThat(op.getJsonArray("x-meshgate-scopes").toString()).isEqualTo("[\"orders:read\"]");
      assertThat(op.getJsonArray("security").toString())
          .isEqualTo(
              "[{\"apiKey\":[]},{\"apiKeyQuery\":[]},{\"oauth2\":[\"orders:read\"]},"
                  + "{\"mutualTLS\":[]}]");
    }
    assertThat(byId.getJsonObject("post").containsKey("security")).isFalse();

    assertThat(paths.getJsonObject("/orders").getJsonObject("post").getString("description"))
        .isEqualTo("Limited to 5 calls per second, on top of your plan's limits.");
    assertThat(paths.getJsonObject("/orders").getJsonObject("get").containsKey("description"))
        .isFalse();
    JsonObject reports = paths.getJsonObject("/reports/{path}");
    assertThat(reports.getBoolean("x-meshgate-any-path")).isTrue();
    assertThat(reports.getJsonObject("delete").getString("description"))
        .isEqualTo("Limited to 2 calls per 1000 ms, on top of your plan's limits.");
  }

  @Test
  void errorAnswersListTheKeysOfTheStepsAndTheHeadersTheGatewayAdds() {
    JsonObject components = compiler.compile(STANDARD, PLANS, BASE).getJsonObject("components");
    JsonObject responses = components.getJsonObject("responses");

    assertThat(responses.getJsonObject("Unauthorized").toString())
        .isEqualTo(
            "{\"description\":\"Unauthorized: CLIENT_AUTH_MISSING, CLIENT_AUTH_INVALID\","
                + "\"headers\":{\"WWW-Authenticate\":{\"$ref\":\"#/components/headers/WWW-Authenticate\"}},"
                + "\"content\":{\"application/problem+json\":{\"schema\":{\"allOf\":["
                + "{\"$ref\":\"#/components/schemas/Problem\"},"
                + "{\"properties\":{\"status\":{\"const\":401},"
                + "\"errorKey\":{\"enum\":[\"CLIENT_AUTH_MISSING\",\"CLIENT_AUTH_INVALID\"]}}}]}}}}");
    assertThat(
            responses
                .getJsonObject("Forbidden")
                .getJsonObject("content")
                .getJsonObject("application/problem+json")
                .getJsonObject("schema")
                .getJsonArray("allOf")
                .getJsonObject(1)
                .getJsonObject("properties")
                .getJsonObject("errorKey")
                .getJsonArray("enum")
                .toString())
        .isEqualTo(
            "[\"CLIENT_AUTH_APP_SUSPENDED\",\"SUBSCRIPTION_REQUIRED\",\"SUBSCRIPTION_PENDING\","
                + "\"SUBSCRIPTION_SUSPENDED\",\"SCOPE_INSUFFICIENT\","
                + "\"RATE_LIMIT_SUBSCRIPTION_REQUIRED\",\"TOKEN_SUBSCRIPTION_REQUIRED\"]");
    assertThat(responses.getJsonObject("TooManyRequests").getString("description"))
        .isEqualTo("Too Many Requests: RATE_LIMIT_EXCEEDED, QUOTA_EXCEEDED");
    assertThat(responses.getJsonObject("TooManyRequests").getJsonObject("headers").keySet())
        .containsExactly(
            "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
    assertThat(responses.getJsonObject("Upstream").getJsonObject("headers").keySet())
        .containsExactly("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
    assertThat(components.getJsonObject("headers").getJsonObject("RateLimit-Reset").toString())
        .isEqualTo(
            "{\"description\":\"Seconds until that count goes down, or until the quota period"
                + " ends.\",\"schema\":{\"type\":\"integer\",\"minimum\":0}}");
  }

  @Test
  void legacyRateLimitHeadersAreListedWhenTheStepSendsThem() {
    JsonObject upstream =
        compiler
            .compile(
                api("/o", "subscription", null, "rate-limit", "{\"legacyHeaders\":true}"),
                List.of(),
                BASE)
            .getJsonObject("components")
            .getJsonObject("responses")
            .getJsonObject("Upstream");

    assertThat(upstream.getJsonObject("headers").keySet())
        .containsExactly(
            "RateLimit-Limit",
            "X-RateLimit-Limit",
            "RateLimit-Remaining",
            "X-RateLimit-Remaining",
            "RateLimit-Reset",
            "X-RateLimit-Reset");
  }

  @Test
  void theSameApiGivesTheSameText() {
    assertThat(compiler.compile(STANDARD, PLANS, BASE).toString())
        .isEqualTo(
            compiler.compile(STANDARD, List.of(PLANS.get(1), PLANS.get(0)), BASE).toString());
  }

  @Test
  void aStoredConfigThatNoLongerReadsIsNamed() {
    assertThatThrownBy(
            () ->
                compiler.compile(
                    api("/o", "client-auth", "{\"methods\":[\"telepathy\"]}"), List.of(), BASE))
        .isInstanceOf(InvalidPolicyConfigException.class);
  }

  /** Every key the documents can list is one the README documents. */
  @Test
  void everyErrorKeyIsDocumented() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (OpenApiCompiler.ErrorAnswer e : OpenApiCompiler.ERRORS) {
      assertThat(readme).as(e.errorKey()).contains("`" + e.errorKey() + "`");
    }
  }
}
