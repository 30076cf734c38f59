package io.meshgate.admin.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.support.Problem;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one problem shape, with violations for 400s; callers without violations are unchanged. */
class ProblemShapeTest {

  @Test
  void violationsAreListedWithFieldAndMessage() {
    JsonObject json =
        parse(
            AdminException.invalid(
                    List.of(
                        new Problem.Violation("rateLimit.limit", "must be at least 1 (was -1)"),
                        new Problem.Violation("name", "must not be blank")))
                .problem()
                .toJson(null));
    assertThat(json.getString("type")).isEqualTo("urn:meshgate:problem:validation-failed");
    assertThat(json.getString("title")).isEqualTo("Bad Request");
    assertThat(json.getInt("status")).isEqualTo(400);
    assertThat(json.getString("errorKey")).isEqualTo("VALIDATION_FAILED");
    assertThat(json.getString("detail")).isEqualTo("The request has 2 invalid field(s)");
    assertThat(json.getJsonArray("violations").getJsonObject(0).getString("field"))
        .isEqualTo("rateLimit.limit");
    assertThat(json.getJsonArray("violations").getJsonObject(0).getString("message"))
        .isEqualTo("must be at least 1 (was -1)");
  }

  @Test
  void problemsWithoutViolationsHaveNoViolationsMember() {
    JsonObject json = parse(new Problem(404, "API_NOT_FOUND", "No API with id 3").toJson("r-1"));
    assertThat(json.containsKey("violations")).isFalse();
    assertThat(json.getString("requestId")).isEqualTo("r-1");
    assertThat(AdminException.notFound("API_NOT_FOUND", "API", 3).getMessage())
        .isEqualTo("No API with id 3");
  }

  @Test
  void policyViolationsKeepTheirStepPaths() {
    InvalidPolicyConfigException e =
        new InvalidPolicyConfigException(
            List.of(
                "steps[2].config.denyIps[1]: not an IP address or CIDR block (was x)",
                "steps[0].policy: unknown policy 'nope' (known: [token])"));
    assertThat(InvalidPolicyConfigMapper.violations(e))
        .containsExactly(
            new Problem.Violation(
                "steps[2].config.denyIps[1]", "not an IP address or CIDR block (was x)"),
            new Problem.Violation("steps[0].policy", "unknown policy 'nope' (known: [token])"));
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}
