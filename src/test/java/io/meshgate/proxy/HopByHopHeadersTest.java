package io.meshgate.proxy;

import static io.meshgate.chain.Exchanges.headers;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  @Test
  void alwaysTheRfcList() {
    assertThat(HopByHopHeaders.of(headers("Accept", "*/*")))
        .containsExactlyInAnyOrder(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade");
  }

  @Test
  void namesListedInConnectionAreAddedNormalized() {
    assertThat(
            HopByHopHeaders.of(
                headers(
                    "Connection",
                    "keep-alive, X_Session_Hint ,X-Trace",
                    "connection",
                    "Foo-Bar,,")))
        .contains("x-session-hint", "x-trace", "foo-bar", "keep-alive", "upgrade")
        .hasSize(HopByHopHeaders.ALWAYS.size() + 3)
        .doesNotContain("");
  }

  @Test
  void connectionInAnySpelling() {
    assertThat(HopByHopHeaders.of(headers("CONNECTION", "X-Secret-Hop"))).contains("x-secret-hop");
    assertThat(HopByHopHeaders.of(headers("connection", "close"))).contains("close");
  }

  @Test
  void aConnectionListPaddedToAMegabyteIsReadOnlyAsFarAsTheLimit() {
    String padded = "X-Early, " + "a,".repeat(500_000) + "X-Late";
    assertThat(HopByHopHeaders.of(headers("Connection", padded)))
        .contains("x-early", "a")
        .doesNotContain("x-late");
    String fits = "X-Early, " + "a,".repeat(HopByHopHeaders.MAX_CONNECTION_OPTIONS - 2) + "X-Last";
    assertThat(HopByHopHeaders.of(headers("Connection", fits))).contains("x-early", "x-last");
  }
}
