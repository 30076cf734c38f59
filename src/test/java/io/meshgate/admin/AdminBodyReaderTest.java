package io.meshgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.admin.apis.ApiRequest;
import io.meshgate.admin.apps.AppRequest;
import io.meshgate.admin.apps.CredentialRequest;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.keys.KeyRequests;
import io.meshgate.admin.products.PlanRequest;
import io.meshgate.admin.products.ProductRequest;
import io.meshgate.admin.subscriptions.SubscriptionRequest;
import io.meshgate.support.Problem;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What an admin body must look like, and the exact answer to each way of getting it wrong. */
class AdminBodyReaderTest {
  private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE;

  // --- what is read

  @Test
  void aWellTypedBodyIsBound() {
    PlanRequest plan =
        read(
            "{\"name\":\"gold\",\"approvalRequired\":true,\"scopes\":[\"a:read\"],"
                + "\"tokenTtlSeconds\":120,\"rateLimit\":{\"limit\":5,\"per\":\"second\"},"
                + "\"burst\":null,\"quota\":{\"limit\":1e3,\"per\":\"day\"}}",
            PlanRequest.class);
    assertThat(plan.name()).isEqualTo("gold");
    assertThat(plan.approvalRequired()).isTrue();
    assertThat(plan.scopes()).containsExactly("a:read");
    assertThat(plan.tokenTtlSeconds()).isEqualTo(120);
    assertThat(plan.rateLimit().limit()).isEqualTo(5L);
    assertThat(plan.burst()).isNull();
    assertThat(plan.quota().limit()).isEqualTo(1000L);
    assertThat(
            read("{\"expiresAt\":\"2999-01-01T00:00:00Z\"}", CredentialRequest.class).expiresAt())
        .isEqualTo(Instant.parse("2999-01-01T00:00:00Z"));
    ApiRequest api =
        read(
            "{\"name\":\"a\",\"steps\":[{\"policy\":\"token\",\"config\":{\"x\":[1]}}]}",
            ApiRequest.class);
    assertThat(api.steps().get(0).config().toString()).isEqualTo("{\"x\":[1]}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\"",
        "application/json; charset=utf8"
      })
  void utf8JsonInAnySpellingIsRead(String contentType) {
    MediaType type = parse(contentType);
    assertThat(
            AdminBodyReader.read(type, utf8("{\"publish\":false}"), KeyRequests.NewKey.class)
                .publish())
        .isFalse();
  }

  // --- 400 MALFORMED_BODY with the field and what it must be

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"publish\":\"yes\"}|publish|must be true or false (was \"yes\")",
        "{\"publish\":1}|publish|must be true or false (was 1)",
        "{\"alg\":256}|alg|must be a string (was 256)",
        "{\"alg\":[\"ES256\"]}|alg|must be a string (was an array)",
        "{\"alg\":{}}|alg|must be a string (was an object)",
        "{\"alg\":true}|alg|must be a string (was true)"
      })
  void keyBodiesAreTypedStrictly(String body, String field, String message) {
    assertViolations(body, KeyRequests.NewKey.class, field + ": " + message);
  }

  @Test
  void numbersAreWholeJsonNumbersThatFit() {
    String range = "must be a whole number from -9223372036854775808 to 9223372036854775807";
    assertViolations(
        "{\"appId\":\"1\",\"planId\":1.5}",
        SubscriptionRequest.class,
        "appId: " + range + " (was \"1\")",
        "planId: " + range + " (was 1.5)");
    assertViolations(
        "{\"appId\":9223372036854775808,\"planId\":1e999999999}",
        SubscriptionRequest.class,
        "appId: " + range + " (was 9223372036854775808)",
        "planId: " + range + " (was 1E+999999999)");
    assertViolations(
        "{\"name\":\"a\",\"tokenTtlSeconds\":2147483648}",
        PlanRequest.class,
        "tokenTtlSeconds: must be a whole number from -2147483648 to 2147483647 (was 2147483648)");
  }

  @Test
  void nestedFieldsAndListElementsAreNamedByTheirPath() {
    assertViolations(
        "{\"name\":\"p\",\"apis\":[1,\"2\",null],\"title\":7}",
        ProductRequest.class,
        "apis[1]: must be a whole number from -9223372036854775808 to 9223372036854775807 (was \"2\")",
        "title: must be a string (was 7)");
    assertViolations(
        "{\"name\":\"gold\",\"rateLimit\":{\"limit\":\"5\",\"per\":\"second\",\"burst\":1},"
            + "\"scopes\":\"a:read\",\"quota\":[]}",
        PlanRequest.class,
        "rateLimit.limit: must be a whole number from -9223372036854775808 to 9223372036854775807 (was \"5\")",
        "rateLimit.burst: is not a field of this body (expected one of [limit, per])",
        "scopes: must be an array (was \"a:read\")",
        "quota: must be an object (was an array)");
    assertViolations(
        "{\"name\":\"a\",\"steps\":[{\"policy\":\"token\",\"config\":\"x\"},7]}",
        ApiRequest.class,
        "steps[0].config: must be an object (was \"x\")",
        "steps[1]: must be an object (was 7)");
    assertViolations(
        "{\"expiresAt\":\"tomorrow\"}",
        CredentialRequest.class,
        "expiresAt: must be an ISO-8601 instant such as \"2030-01-01T00:00:00Z\" (was \"tomorrow\")");
  }

  @Test
  void anUnknownFieldIsNamed() {
    assertViolations(
        "{\"name\":\"a\",\"colour\":\"red\"}",
        AppRequest.class,
        "colour: is not a field of this body (expected one of [name, owner, clientId])");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|A JSON object body is required (send {} for no fields)",
        "null|The body must be a JSON object (was null)",
        "[]|The body must be a JSON object (was an array)",
        "\"{}\"|The body must be a JSON object (was \"{}\")",
        "7|The body must be a JSON object (was 7)",
        "true|The body must be a JSON object (was true)"
      })
  void onlyAnObjectIsABody(String body, String detail) {
    assertProblem(() -> read(body, KeyRequests.NewKey.class), 400, "MALFORMED_BODY", detail);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"publish\":tru}",
        "{\"publish\":true,}",
        "{} {}",
        "{}x",
        "yes",
        "{'publish':true}"
      })
  void textThatIsNotOneJsonValueIs400(String body) {
    assertProblem(
        () -> read(body, KeyRequests.NewKey.class),
        400,
        "MALFORMED_BODY",
        "The body is not JSON: ");
  }

  @Test
  void aMemberNamedTwiceIs400() {
    assertProblem(
        () -> read("{\"publish\":true,\"publish\":false}", KeyRequests.NewKey.class),
        400,
        "MALFORMED_BODY",
        "The body is not JSON: ");
  }

  @Test
  void bytesThatAreNotUtf8Are400() {
    byte[] latin1 = "{\"alg\":\"ES256\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertProblem(
        () -> AdminBodyReader.read(JSON, latin1, KeyRequests.NewKey.class),
        400,
        "MALFORMED_BODY",
        "The body is not valid UTF-8");
  }

  // --- 415 UNSUPPORTED_MEDIA_TYPE

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "application/json; charset=ebcdic|charset ebcdic is not supported: JSON bodies are UTF-8",
        "application/json; charset=ISO-8859-1|charset ISO-8859-1 is not supported: JSON bodies are UTF-8",
        "application/json; charset=utf-16|charset utf-16 is not supported: JSON bodies are UTF-8",
        "application/json; charset=\"\"|charset  is not supported: JSON bodies are UTF-8",
        "text/plain|This resource accepts application/json (UTF-8) only, not text/plain",
        "application/x-www-form-urlencoded|This resource accepts application/json (UTF-8) only, not application/x-www-form-urlencoded",
        "application/merge-patch+json|This resource accepts application/json (UTF-8) only, not application/merge-patch+json"
      })
  void otherMediaTypesAndCharsetsAre415(String contentType, String detail) {
    assertProblem(
        () -> AdminBodyReader.read(parse(contentType), utf8("{}"), KeyRequests.NewKey.class),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        detail);
  }

  @Test
  void aBodyWithoutContentTypeIs415AndNoBodyAtAllIs400() {
    assertProblem(
        () -> AdminBodyReader.read(null, utf8("{}"), KeyRequests.NewKey.class),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "The body has no Content-Type: send it as application/json (UTF-8)");
    assertProblem(
        () -> AdminBodyReader.read(null, new byte[0], KeyRequests.NewKey.class),
        400,
        "MALFORMED_BODY",
        "A JSON object body is required");
  }

  // --- by construction: every admin request record is read here, strictly

  @Test
  void everyAdminRecordIsReadByThisReaderWithStrictTypes() throws Exception {
    Path classes =
        Path.of(AdminBodyReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    TreeSet<String> bodies = new TreeSet<>();
    TreeSet<String> rawBodies = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes.resolve("io/meshgate/admin"))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = classes.relativize(file).toString();
        if (!name.endsWith("Resource.class")) {
          continue;
        }
        Class<?> type = Class.forName(name.replace('/', '.').replaceFirst("\\.class$", ""));
        for (Method m : type.getDeclaredMethods()) {
          if (Stream.of(m.getAnnotations())
              .noneMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class))) {
            continue;
          }
          for (Parameter p : m.getParameters()) {
            if (p.getAnnotations().length == 0 && p.getType() == InputStream.class) {
              // A body that is not a JSON record (YAML), read by the resource itself.
              rawBodies.add(type.getSimpleName() + "." + m.getName());
            } else if (p.getAnnotations().length == 0 && p.getType() != String.class) {
              bodies.add(
                  type.getSimpleName()
                      + "."
                      + m.getName()
                      + "("
                      + p.getType().getSimpleName()
                      + ")");
              assertThat(
                      new AdminBodyReader()
                          .isReadable(p.getType(), p.getParameterizedType(), null, JSON))
                  .as("%s.%s", type.getName(), m.getName())
                  .isTrue();
              assertThat(JsonRecords.supports(p.getParameterizedType()))
                  .as(p.getType().getName())
                  .isTrue();
            }
          }
        }
      }
    }
    assertThat(bodies)
        .containsExactly(
            "ApiResource.create(ApiRequest)",
            "ApiResource.update(ApiRequest)",
            "AppResource.addKey(CredentialRequest)",
            "AppResource.create(AppRequest)",
            "IstioResource.conformance(ConformanceRequest)",
            "KeyResource.create(NewKey)",
            "KeyResource.rotate(Rotation)",
            "ProductResource.create(ProductRequest)",
            "ProductResource.createPlan(PlanRequest)",
            "ProductResource.update(ProductRequest)",
            "ProductResource.updatePlan(PlanRequest)",
            "SubscriptionResource.create(SubscriptionRequest)",
            "SubscriptionResource.migrate(MigrateRequest)");
    assertThat(rawBodies).containsExactly("IstioResource.drift");
    assertThat(
            new AdminBodyReader()
                .isReadable(io.meshgate.catalog.seed.CatalogSeed.class, null, null, JSON))
        .isFalse();
    assertThat(JsonRecords.supports(Map.class)).isFalse();
  }

  @Test
  void aMeshDestinationWithNullOrWronglyTypedElementsIsA400NotA500() {
    String api =
        "{\"name\": \"a\", \"basePath\": \"/a\", \"upstreamUrl\": \"http://a\", \"mesh\": ";
    assertViolations(
        api
            + "{\"service\": \"a\", \"namespace\": \"n\", \"workloadLabels\": {\"app\": 5},"
            + " \"defaultRoute\": [{\"subset\": \"v1\"}]}}",
        io.meshgate.admin.apis.ApiRequest.class,
        "mesh.workloadLabels.app: must be a string (was 5)");
    assertViolations(
        api
            + "{\"service\": \"a\", \"namespace\": \"n\", \"plans\": {\"gold\": \"x\"},"
            + " \"defaultRoute\": [null]}}",
        io.meshgate.admin.apis.ApiRequest.class,
        "mesh.plans.gold: must be an array (was \"x\")");
    assertViolations(
        api
            + "{\"service\": \"a\", \"namespace\": \"n\", \"workloadLabels\": {\"app\": null},"
            + " \"defaultRoute\": [{\"subset\": \"v1\"}]}}",
        io.meshgate.admin.apis.ApiRequest.class,
        "mesh: must not contain null");
  }

  // --- helpers

  private static <T extends Record> T read(String body, Class<T> type) {
    return AdminBodyReader.read(JSON, utf8(body), type);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** "type/subtype; charset=x" without a JAX-RS runtime (MediaType.valueOf needs one). */
  private static MediaType parse(String contentType) {
    String[] parts = contentType.split(";", 2);
    String[] type = parts[0].trim().split("/", 2);
    Map<String, String> params =
        parts.length < 2
            ? Map.of()
            : Map.of(
                parts[1].split("=", 2)[0].trim(),
                parts[1].split("=", 2)[1].trim().replace("\"", ""));
    return new MediaType(type[0], type[1], params);
  }

  private static void assertViolations(
      String body, Class<? extends Record> type, String... expected) {
    assertThatThrownBy(() -> read(body, type))
        .isInstanceOfSatisfying(
            AdminException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.errorKey()).isEqualTo("MALFORMED_BODY");
              assertThat(e.violations())
                  .extracting(v -> v.field() + ": " + v.message())
                  .containsExactlyInAnyOrder(expected);
              assertThat(e.getMessage()).startsWith("The body does not fit this resource: ");
              for (Problem.Violation v : e.violations()) {
                assertThat(e.getMessage()).contains(v.field());
              }
            });
  }

  private static void assertProblem(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      int status,
      String key,
      String detailStart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AdminException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.errorKey()).isEqualTo(key);
              assertThat(e.getMessage()).startsWith(detailStart);
            });
  }
}
