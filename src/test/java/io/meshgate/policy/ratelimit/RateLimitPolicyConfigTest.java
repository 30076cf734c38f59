package io.meshgate.policy.ratelimit;

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
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of {@code rate-limit}'s config, with its exact message. */
class RateLimitPolicyConfigTest {
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

  private static void build(String json) {
    RateLimitPolicyFactory.operations(reader.read(json, RateLimitPolicyConfig.class));
  }

  @Test
  void anEmptyConfigUsesThePlansLimitsOnly() {
    RateLimitPolicyConfig c = reader.read("{}", RateLimitPolicyConfig.class);
    assertThat(c.operations()).isEmpty();
    assertThat(c.legacyHeaders()).isNull();
  }

  @Test
  void aValidOperationBuilds() {
    build(
        "{\"operations\":[{\"method\":\"POST\",\"path\":\"/orders/{id}/**\","
            + "\"rateLimit\":{\"limit\":5,\"per\":\"minute\"},\"burst\":{\"limit\":2,\"windowMs\":100}}]}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"method\":\"FETCH\",\"path\":\"/a\",\"burst\":{\"limit\":1,\"windowMs\":10}}"
            + "|operations[0].method: must be *, GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS (was FETCH)",
        "{\"method\":\"GET\",\"path\":\"a\",\"burst\":{\"limit\":1,\"windowMs\":10}}"
            + "|operations[0].path: must start with / (was a)",
        "{\"method\":\"GET\",\"path\":\"/a\",\"rateLimit\":{\"limit\":0,\"per\":\"second\"}}"
            + "|operations[0].rateLimit.limit: must be at least 1 (was 0)",
        "{\"method\":\"GET\",\"path\":\"/a\",\"rateLimit\":{\"limit\":1,\"per\":\"day\"}}"
            + "|operations[0].rateLimit.per: must be second, minute or hour (was day)",
        "{\"method\":\"GET\",\"path\":\"/a\",\"burst\":{\"limit\":1,\"windowMs\":3600001}}"
            + "|operations[0].burst.windowMs: must be at most 3600000 (was 3600001)",
        "{\"method\":\"GET\",\"path\":\"/a\"}|operations[0]: needs rateLimit, burst or both",
        "{\"method\":\"GET\",\"path\":\"/**/a\",\"burst\":{\"limit\":1,\"windowMs\":10}}"
            + "|operations[0].path: may use ** only as the last segment",
        "{\"method\":\"GET\",\"path\":\"/a/x{id}\",\"burst\":{\"limit\":1,\"windowMs\":10}}"
            + "|operations[0].path: may use {name} only as a whole segment (was segment 'x{id}')",
        "{\"method\":\"GET\",\"path\":\"/a/*\",\"burst\":{\"limit\":1,\"windowMs\":10}}"
            + "|operations[0].path: may use * only as a final ** segment (was segment '*')",
        "{\"method\":\"GET\",\"path\":\"/a//b\",\"burst\":{\"limit\":1,\"windowMs\":10}}"
            + "|operations[0].path: must not contain an empty segment (//)",
      })
  void badOperationsAreRefusedWithTheFieldAndWhy(String operation, String message) {
    assertThatThrownBy(() -> build("{\"operations\":[" + operation + "]}"))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(message);
  }

  @Test
  void anOperationListedTwiceIsRefused() {
    String op = "{\"method\":\"GET\",\"path\":\"/a\",\"burst\":{\"limit\":1,\"windowMs\":10}}";
    assertThatThrownBy(() -> build("{\"operations\":[" + op + "," + op + "]}"))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage("operations[1]: repeats operations[0] (GET /a)");
  }

  @Test
  void unknownFieldsAreRefused() {
    assertThatThrownBy(() -> build("{\"limit\":10}"))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessageContaining("limit");
  }
}
