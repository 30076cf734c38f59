package io.meshgate.policy.clientauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.PolicyConfigReader;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code oauth2} method of {@code client-auth}'s config (the other rules:
 * PolicyConfigReaderTest).
 */
class ClientAuthPolicyConfigTest {
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

  @Test
  void oauth2IsAMethod() {
    ClientAuthPolicyConfig config =
        reader.read("{\"methods\":[\"oauth2\",\"api-key\"]}", ClientAuthPolicyConfig.class);
    assertThat(config.methods()).containsExactly("oauth2", "api-key");
  }

  @Test
  void oauth2AloneIsEnough() {
    assertThat(reader.read("{\"methods\":[\"oauth2\"]}", ClientAuthPolicyConfig.class).methods())
        .containsExactly(ClientAuthPolicyConfig.OAUTH2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"OAuth2", "oauth", "oauth2 ", "bearer"})
  void otherSpellingsAreRefusedWithTheFieldAndValue(String method) {
    assertThatThrownBy(
            () ->
                reader.read(
                    "{\"methods\":[\"api-key\",\"" + method + "\"]}", ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(
            "methods[1]: must be api-key, client-secret, oauth2, jwt or certificate (was "
                + method
                + ")");
  }

  private static final String IDP =
      "\"jwt\":{\"issuer\":\"https://idp.example\",\"jwksUrl\":\"https://idp.example/jwks\","
          + "\"audiences\":[\"orders\"]";

  @Test
  void jwtTakesTheDocumentedDefaults() {
    ClientAuthPolicyConfig config =
        reader.read("{\"methods\":[\"jwt\"]," + IDP + "}}", ClientAuthPolicyConfig.class);
    ClientAuthPolicyConfig.ExternalJwt jwt = config.jwt();
    assertThat(jwt.algorithms()).containsExactly("RS256", "ES256");
    assertThat(jwt.appClaims()).containsExactly("azp", "client_id");
    assertThat(jwt.type()).isNull();
    assertThat(jwt.clockSkewSeconds()).isEqualTo(30);
    assertThat(jwt.jwksRefreshSeconds()).isEqualTo(900);
    assertThat(jwt.unknownKidRefetchSeconds()).isEqualTo(60);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        ",\"algorithms\":[\"HS256\"]|jwt.algorithms[0]: must be one of RS256, RS384, RS512,"
            + " PS256, PS384, PS512, ES256, ES384, ES512 (was HS256)",
        ",\"algorithms\":[\"none\"]|jwt.algorithms[0]: must be one of RS256, RS384, RS512,"
            + " PS256, PS384, PS512, ES256, ES384, ES512 (was none)",
        ",\"unknownKidRefetchSeconds\":0|jwt.unknownKidRefetchSeconds: must be 1 to 3600 (was 0)",
        ",\"jwksRefreshSeconds\":5|jwt.jwksRefreshSeconds: must be 10 to 86400 (was 5)",
        ",\"clockSkewSeconds\":301|jwt.clockSkewSeconds: must be 0 to 300 (was 301)",
        ",\"appClaims\":[\"a b\"]|jwt.appClaims[0]: must be a claim name (was a b)",
      })
  void badJwtSettingsAreRefusedWithTheFieldAndValue(String extra, String message) {
    String config = "{\"methods\":[\"jwt\"]," + IDP + extra + "}}";
    assertThatThrownBy(() -> reader.read(config, ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(message);
  }

  @Test
  void aJwksUrlMustBeHttp() {
    assertThatThrownBy(
            () ->
                reader.read(
                    "{\"methods\":[\"jwt\"],\"jwt\":{\"issuer\":\"i\",\"jwksUrl\":\"file:///etc/passwd\","
                        + "\"audiences\":[\"a\"]}}",
                    ClientAuthPolicyConfig.class))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage("jwt.jwksUrl: must be an http or https URL (was file:///etc/passwd)");
  }
}
