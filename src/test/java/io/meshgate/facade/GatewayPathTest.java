package io.meshgate.facade;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayPathTest {

  @Test
  void aPathQuotedInAProblemIsCutTo256Characters() {
    assertThat(Gateway.shortened("/a/b")).isEqualTo("/a/b");
    assertThat(Gateway.shortened("/" + "x".repeat(1_000_000))).hasSize(259).endsWith("x...");
  }
}
