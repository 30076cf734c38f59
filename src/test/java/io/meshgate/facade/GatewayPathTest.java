package io.meshgate.facade;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayPathTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/a/../b",
        "/a/./b",
        "/a/%2e%2E/b",
        "/a/%2E/b",
        "/a/.%2e/b",
        "/..",
        "/a/..",
        "/a/.",
        "/./a",
        "..",
        "/pub/..;/admin",
        "/a/.;x=1/b",
        "/a/%2e%2e;/b",
      })
  void dotSegmentsInAnyEncodingAreFound(String path) {
    assertThat(Gateway.hasDotSegment(path)).as(path).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/a/..b",
        "/a/b.",
        "/a/.b/c",
        "/a/b..c",
        "/a/...",
        "/a/%2e%2e%2e",
        "/",
        "",
        "/a//b",
        "/a/..b;x"
      })
  void dotsInsideNamesAreFine(String path) {
    assertThat(Gateway.hasDotSegment(path)).as(path).isFalse();
  }

  @Test
  void aPathQuotedInAProblemIsCutTo256Characters() {
    assertThat(Gateway.shortened("/a/b")).isEqualTo("/a/b");
    assertThat(Gateway.shortened("/" + "x".repeat(1_000_000))).hasSize(259).endsWith("x...");
  }
}
