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
        .hasMessage("methods[1]: must be api-key, client-secret or oauth2 (was " + method + ")");
  }
}
