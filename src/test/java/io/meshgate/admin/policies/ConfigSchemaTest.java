package io.meshgate.admin.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.chain.PolicyFactory;
import io.meshgate.policy.accesslist.AccessListPolicyConfig;
import io.meshgate.policy.clientauth.ClientAuthPolicyConfig;
import io.meshgate.policy.headers.HeadersPolicyConfig;
import io.meshgate.policy.ratelimit.RateLimitPolicyConfig;
import io.meshgate.policy.scope.ScopePolicyConfig;
import jakarta.json.JsonObject;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

  @Test
  void rateLimitOperationsAreAnArrayOfObjectsWithAnchoredPatternsAndRequiredFields() {
    JsonObject schema = ConfigSchema.of(RateLimitPolicyConfig.class);

    assertThat(schema.getString("$schema"))
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.getString("type")).isEqualTo("object");
    assertThat(schema.getBoolean("additionalProperties")).isFalse();
    assertThat(schema.containsKey("required")).isFalse();
    assertThat(schema.getJsonObject("properties").keySet())
        .containsExactly("operations", "legacyHeaders");
    JsonObject operations = schema.getJsonObject("properties").getJsonObject("operations");
    assertThat(operations.toString())
        .startsWith(
            "{\"title\":\"Operations\",\"type\":\"array\",\"items\":{\"type\":\"object\","
                + "\"properties\":{\"method\":{\"title\":\"Method\",\"type\":\"string\","
                + "\"pattern\":\"^(?:\\\\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$\"},"
                + "\"path\":{\"title\":\"Path\",\"type\":\"string\",\"maxLength\":500,"
                + "\"pattern\":\"^(?:/.*)$\"},")
        .endsWith(
            "\"required\":[\"method\",\"path\"],\"additionalProperties\":false},"
                + "\"maxItems\":100,\"default\":[]}");
    JsonObject rate =
        operations.getJsonObject("items").getJsonObject("properties").getJsonObject("rateLimit");
    assertThat(rate.toString())
        .isEqualTo(
            "{\"title\":\"Rate limit\",\"type\":\"object\",\"properties\":{"
                + "\"limit\":{\"title\":\"Limit\",\"type\":\"integer\",\"minimum\":1},"
                + "\"per\":{\"title\":\"Per\",\"type\":\"string\","
                + "\"pattern\":\"^(?:second|minute|hour)$\"}},"
                + "\"required\":[\"limit\",\"per\"],\"additionalProperties\":false}");
    assertThat(
            operations
                .getJsonObject("items")
                .getJsonObject("properties")
                .getJsonObject("burst")
                .getJsonObject("properties")
                .getJsonObject("windowMs")
                .toString())
        .isEqualTo(
            "{\"title\":\"Window ms\",\"type\":\"integer\",\"minimum\":1,\"maximum\":3600000}");
    assertThat(schema.getJsonObject("properties").getJsonObject("legacyHeaders").toString())
        .isEqualTo("{\"title\":\"Legacy headers\",\"type\":\"boolean\"}");
  }

  @Test
  void accessListSizesApplyToTheListAndNotBlankToItsStrings() {
    JsonObject allowIps =
        ConfigSchema.of(AccessListPolicyConfig.class)
            .getJsonObject("properties")
            .getJsonObject("allowIps");

    assertThat(allowIps.toString())
        .isEqualTo(
            "{\"title\":\"Allow ips\",\"type\":\"array\",\"items\":{\"type\":\"string\","
                + "\"minLength\":1,\"pattern\":\"\\\\S\"},\"maxItems\":10000,\"default\":[]}");
  }

  @Test
  void clientAuthShowsTheDefaultsItsConstructorFillsInAndTheNestedProvider() {
    JsonObject properties =
        ConfigSchema.of(ClientAuthPolicyConfig.class).getJsonObject("properties");

    assertThat(properties.keySet())
        .containsExactly(
            "methods",
            "apiKeyHeader",
            "apiKeyQueryParam",
            "clientIdHeader",
            "clientSecretHeader",
            "jwt",
            "certificateAuthorities");
    assertThat(properties.getJsonObject("methods").toString())
        .isEqualTo(
            "{\"title\":\"Methods\",\"type\":\"array\",\"items\":{\"type\":\"string\","
                + "\"pattern\":\"^(?:api-key|client-secret|oauth2|jwt|certificate)$\"},"
                + "\"minItems\":1,\"default\":[\"api-key\",\"client-secret\"]}");
    assertThat(properties.getJsonObject("apiKeyHeader").getString("default"))
        .isEqualTo("X-API-Key");
    assertThat(properties.getJsonObject("apiKeyHeader").getString("pattern"))
        .isEqualTo("^(?:[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64})$");
    assertThat(properties.getJsonObject("apiKeyQueryParam").containsKey("default")).isFalse();
    assertThat(properties.getJsonObject("certificateAuthorities").getInt("maxLength"))
        .isEqualTo(100_000);

    JsonObject jwt = properties.getJsonObject("jwt");
    assertThat(jwt.getString("title")).isEqualTo("Jwt");
    assertThat(jwt.getJsonArray("required").toString())
        .isEqualTo("[\"issuer\",\"jwksUrl\",\"audiences\"]");
    JsonObject jwtProperties = jwt.getJsonObject("properties");
    assertThat(jwtProperties.getJsonObject("issuer").toString())
        .isEqualTo("{\"title\":\"Issuer\",\"type\":\"string\",\"minLength\":1,\"maxLength\":500}");
    assertThat(jwtProperties.getJsonObject("audiences").toString())
        .isEqualTo(
            "{\"title\":\"Audiences\",\"type\":\"array\",\"items\":{\"type\":\"string\","
                + "\"minLength\":1,\"pattern\":\"\\\\S\"},\"minItems\":1,\"maxItems\":20}");
    assertThat(jwtProperties.getJsonObject("clockSkewSeconds").toString())
        .isEqualTo(
            "{\"title\":\"Clock skew seconds\",\"type\":\"integer\",\"minimum\":0,"
                + "\"maximum\":300,\"default\":30}");
    assertThat(jwtProperties.getJsonObject("allowHttp").toString())
        .isEqualTo("{\"title\":\"Allow http\",\"type\":\"boolean\",\"default\":false}");
    assertThat(jwtProperties.getJsonObject("algorithms").getJsonArray("default").toString())
        .isEqualTo("[\"RS256\",\"ES256\"]");
  }

  @Test
  void scopeOperationsAreRequired() {
    JsonObject schema = ConfigSchema.of(ScopePolicyConfig.class);

    assertThat(schema.getJsonArray("required").toString()).isEqualTo("[\"operations\"]");
    JsonObject operations = schema.getJsonObject("properties").getJsonObject("operations");
    assertThat(operations.getInt("minItems")).isEqualTo(1);
    assertThat(operations.getInt("maxItems")).isEqualTo(200);
    assertThat(
            operations
                .getJsonObject("items")
                .getJsonObject("properties")
                .getJsonObject("scopes")
                .getJsonObject("items")
                .getString("pattern"))
        .isEqualTo("^(?:[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128})$");
  }

  @Test
  void aConfigWithoutFieldsIsAnEmptyClosedObject() {
    assertThat(ConfigSchema.of(HeadersPolicyConfig.class).toString())
        .isEqualTo(
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"properties\":{},\"additionalProperties\":false}");
  }

  enum Mode {
    STRICT,
    LENIENT
  }

  record Everything(
      @NotNull Mode mode,
      Set<@Email String> mails,
      Map<String, @Positive Integer> weights,
      Map<Mode, Boolean> switches,
      @PositiveOrZero @DecimalMax(value = "2.5", inclusive = false) Double ratio,
      Instant at,
      Duration ttl,
      Optional<@NotEmpty String> note,
      @Size(min = 2) @Pattern(regexp = "a.*") @Pattern(regexp = ".*z") String both,
      long count) {}

  @Test
  void enumsSetsMapsNumbersAndTimesMapAsJsonBindingWritesThem() {
    JsonObject p = ConfigSchema.of(Everything.class).getJsonObject("properties");

    assertThat(p.getJsonObject("mode").toString())
        .isEqualTo("{\"title\":\"Mode\",\"type\":\"string\",\"enum\":[\"STRICT\",\"LENIENT\"]}");
    assertThat(p.getJsonObject("mails").toString())
        .isEqualTo(
            "{\"title\":\"Mails\",\"type\":\"array\",\"items\":{\"type\":\"string\","
                + "\"format\":\"email\"},\"uniqueItems\":true}");
    assertThat(p.getJsonObject("weights").toString())
        .isEqualTo(
            "{\"title\":\"Weights\",\"type\":\"object\",\"additionalProperties\":"
                + "{\"type\":\"integer\",\"minimum\":1}}");
    assertThat(p.getJsonObject("switches").toString())
        .isEqualTo(
            "{\"title\":\"Switches\",\"type\":\"object\",\"propertyNames\":"
                + "{\"enum\":[\"STRICT\",\"LENIENT\"]},\"additionalProperties\":"
                + "{\"type\":\"boolean\"}}");
    assertThat(p.getJsonObject("ratio").toString())
        .isEqualTo(
            "{\"title\":\"Ratio\",\"type\":\"number\",\"minimum\":0,"
                + "\"exclusiveMaximum\":2.5}");
    assertThat(p.getJsonObject("at").toString())
        .isEqualTo("{\"title\":\"At\",\"type\":\"string\",\"format\":\"date-time\"}");
    assertThat(p.getJsonObject("ttl").toString())
        .isEqualTo("{\"title\":\"Ttl\",\"type\":\"string\",\"format\":\"duration\"}");
    assertThat(p.getJsonObject("note").toString())
        .isEqualTo("{\"title\":\"Note\",\"type\":\"string\",\"minLength\":1}");
    assertThat(p.getJsonObject("both").toString())
        .isEqualTo(
            "{\"title\":\"Both\",\"type\":\"string\",\"minLength\":2,\"pattern\":\"^(?:a.*)$\","
                + "\"allOf\":[{\"pattern\":\"^(?:.*z)$\"}]}");
    assertThat(p.getJsonObject("count").toString())
        .isEqualTo("{\"title\":\"Count\",\"type\":\"integer\"}");
    assertThat(ConfigSchema.of(Everything.class).getJsonArray("required").toString())
        .isEqualTo("[\"mode\"]");
  }

  record Tree(@NotBlank String label, List<Tree> children, Leaf leaf) {}

  record Leaf(String name, Branch back) {}

  record Branch(List<Leaf> leaves) {}

  @Test
  void recursiveRecordsAreReferencedNotExpandedForever() {
    JsonObject schema = ConfigSchema.of(Tree.class);

    assertThat(schema.getJsonObject("properties").getJsonObject("children").toString())
        .isEqualTo("{\"title\":\"Children\",\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}");
    JsonObject leaf = schema.getJsonObject("properties").getJsonObject("leaf");
    assertThat(
            leaf.getJsonObject("properties")
                .getJsonObject("back")
                .getJsonObject("properties")
                .getJsonObject("leaves")
                .getJsonObject("items")
                .toString())
        .isEqualTo("{\"$ref\":\"#/$defs/ConfigSchemaTest.Leaf\"}");
    JsonObject def = schema.getJsonObject("$defs").getJsonObject("ConfigSchemaTest.Leaf");
    assertThat(def.getJsonObject("properties").keySet()).containsExactly("name", "back");
    assertThat(
            def.getJsonObject("properties")
                .getJsonObject("back")
                .getJsonObject("properties")
                .getJsonObject("leaves")
                .getJsonObject("items")
                .toString())
        .isEqualTo("{\"$ref\":\"#/$defs/ConfigSchemaTest.Leaf\"}");
    assertThat(schema.getJsonObject("$defs").keySet()).containsExactly("ConfigSchemaTest.Leaf");
  }

  record Unsupported(Object anything) {}

  @Test
  void aTypeItCannotDescribeIsNamed() {
    assertThatThrownBy(() -> ConfigSchema.of(Unsupported.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unsupported.anything: cannot describe type java.lang.Object as JSON Schema");
  }

  @Test
  void titlesSplitTheComponentNameIntoWords() {
    assertThat(ConfigSchema.title("apiKeyQueryParam")).isEqualTo("Api key query param");
    assertThat(ConfigSchema.title("jwksURLRefresh")).isEqualTo("Jwks url refresh");
    assertThat(ConfigSchema.title("x")).isEqualTo("X");
  }

  /** Every policy factory in the build, found by scanning the compiled classes. */
  @Test
  void everyRegisteredPolicyConfigHasASchema() throws IOException, URISyntaxException {
    Map<String, Class<? extends Record>> configs = new TreeMap<>();
    java.nio.file.Path classes =
        java.nio.file.Path.of(
            PolicyFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
      for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) files::iterator) {
        String name = classes.relativize(file).toString();
        if (!name.endsWith(".class") || name.endsWith("package-info.class")) {
          continue;
        }
        String className = name.substring(0, name.length() - 6).replace('/', '.');
        Class<?> type;
        try {
          type = Class.forName(className, false, PolicyFactory.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          throw new AssertionError("cannot load " + className, e);
        }
        if (PolicyFactory.class.isAssignableFrom(type)
            && !type.isInterface()
            && !Modifier.isAbstract(type.getModifiers())) {
          configs.put(type.getName(), configType(type));
        }
      }
    }

    assertThat(configs.values())
        .contains(
            AccessListPolicyConfig.class,
            ClientAuthPolicyConfig.class,
            RateLimitPolicyConfig.class,
            ScopePolicyConfig.class,
            HeadersPolicyConfig.class)
        .hasSizeGreaterThanOrEqualTo(7);
    configs.forEach(
        (factory, config) ->
            assertThat(ConfigSchema.of(config).getString("type")).as(factory).isEqualTo("object"));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends Record> configType(Class<?> factory) {
    for (Type t : factory.getGenericInterfaces()) {
      if (t instanceof ParameterizedType p && p.getRawType() == PolicyFactory.class) {
        return (Class<? extends Record>) p.getActualTypeArguments()[0];
      }
    }
    throw new AssertionError(factory + " does not name its config type");
  }
}
