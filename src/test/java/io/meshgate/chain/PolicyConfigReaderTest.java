package io.meshgate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.policy.accesslist.AccessListPolicyConfig;
import io.meshgate.policy.clientauth.ClientAuthPolicyConfig;
import io.meshgate.policy.subscription.SubscriptionPolicyConfig;
import io.meshgate.policy.token.TokenPolicyConfig;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyConfigReaderTest {
  private static ValidatorFactory validation;
  private static PolicyConfigReader reader;

  @BeforeAll
  static void start() {
    validation = Validation.buildDefaultValidatorFactory();
    reader = new PolicyConfigReader(validation.getValidator());
  }

  @AfterAll
  static void stop() {
    validation.close();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "{}", "\n"})
  void emptyOrBlankConfigTakesTheDefaults(String json) {
    ClientAuthPolicyConfig config = reader.read(json, ClientAuthPolicyConfig.class);

    assertThat(config.methods()).containsExactly("api-key", "client-secret");
    assertThat(config.apiKeyHeader()).isEqualTo("X-API-Key");
    assertThat(config.apiKeyQueryParam()).isNull();
    assertThat(config.clientIdHeader()).isEqualTo("X-Client-Id");
    assertThat(config.clientSecretHeader()).isEqualTo("X-Client-Secret");
  }

  @Test
  void readsAGoodConfig() {
    ClientAuthPolicyConfig config =
        reader.read(
            "{\"methods\":[\"api-key\"],\"apiKeyHeader\":\"X_Key\",\"apiKeyQueryParam\":\"apikey\"}",
            ClientAuthPolicyConfig.class);

    assertThat(config.methods()).containsExactly("api-key");
    assertThat(config.apiKeyHeader()).isEqualTo("X_Key");
    assertThat(config.apiKeyQueryParam()).isEqualTo("apikey");
  }

  @Test
  void unknownFieldIsAnErrorNamingIt() {
    assertThatThrownBy(
            () -> reader.read("{\"methodz\":[\"api-key\"]}", ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(
            "config: not valid for this policy: Json property methodz can not be mapped to a class class"
                + " io.meshgate.policy.clientauth.ClientAuthPolicyConfig.");
  }

  @Test
  void anyFieldIsUnknownForAConfigWithoutFields() {
    assertThatThrownBy(() -> reader.read("{\"limit\":5}", SubscriptionPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(
            "config: not valid for this policy: Json property limit can not be mapped to a class class"
                + " io.meshgate.policy.subscription.SubscriptionPolicyConfig.");
  }

  @Test
  void malformedJsonIsAConfigError() {
    assertThatThrownBy(() -> reader.read("{", ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessageStartingWith("config: not valid for this policy: ");
  }

  @Test
  void wrongJsonTypeIsAConfigError() {
    assertThatThrownBy(() -> reader.read("{\"methods\":\"api-key\"}", ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessageStartingWith("config: not valid for this policy: ");
    assertThatThrownBy(() -> reader.read("[]", ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessageStartingWith("config: not valid for this policy: ");
  }

  @Test
  void emptyMethodList() {
    assertThat(violations("{\"methods\":[]}", ClientAuthPolicyConfig.class))
        .containsExactly("methods: must list at least one method (was [])");
  }

  @Test
  void badHeaderNamesAreListedByFieldInOrder() {
    assertThat(
            violations(
                "{\"clientIdHeader\":\"a:b\",\"apiKeyHeader\":\"X API Key\",\"clientSecretHeader\":\"\"}",
                ClientAuthPolicyConfig.class))
        .containsExactly(
            "apiKeyHeader: must be a header name (was X API Key)",
            "clientIdHeader: must be a header name (was a:b)",
            "clientSecretHeader: must be a header name (was )");
  }

  @Test
  void badQueryParamName() {
    assertThat(violations("{\"apiKeyQueryParam\":\"api key\"}", ClientAuthPolicyConfig.class))
        .containsExactly("apiKeyQueryParam: must be a query parameter name (was api key)");
  }

  @Test
  void exceptionMessageJoinsEveryViolation() {
    assertThatThrownBy(
            () ->
                reader.read(
                    "{\"apiKeyHeader\":\"a b\",\"methods\":[]}", ClientAuthPolicyConfig.class))
        .hasMessage(
            "apiKeyHeader: must be a header name (was a b); methods: must list at least one method (was [])");
  }

  @Test
  void badMethodNamesTheElementAsAField() {
    assertThat(violations("{\"methods\":[\"api-key\",\"oauth3\"]}", ClientAuthPolicyConfig.class))
        .containsExactly(
            "methods[1]: must be api-key, client-secret, oauth2, jwt or certificate (was oauth3)");
  }

  @Test
  void blankAccessListEntry() {
    assertThat(violations("{\"denyIps\":[\"10.0.0.0/8\",\" \"]}", AccessListPolicyConfig.class))
        .containsExactly("denyIps[1]: must not be blank (was  )");
  }

  @Test
  void emptyTokenAudience() {
    assertThat(violations("{\"audience\":\"\"}", TokenPolicyConfig.class))
        .containsExactly("audience: size must be between 1 and 400 (was )");
  }

  @Test
  void jsonNullIsAConfigError() {
    assertThat(violations("null", ClientAuthPolicyConfig.class))
        .containsExactly("config: must be a JSON object (was null)");
  }

  private static List<String> violations(String json, Class<? extends Record> type) {
    try {
      reader.read(json, type);
    } catch (InvalidPolicyConfigException e) {
      return e.violations();
    }
    throw new AssertionError("expected violations for " + json);
  }
}
