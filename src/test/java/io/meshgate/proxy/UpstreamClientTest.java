package io.meshgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Exchanges;
import io.meshgate.chain.HeaderList;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpstreamClientTest {

  @Test
  void theRequestHeadIsCountedAsHttp11WritesIt() {
    HeaderList upstream = new HeaderList();
    upstream.add("Accept", "application/json");
    upstream.add("X-Client-Plan", "premium");
    ExchangeContext exchange =
        new ExchangeContext(
            Instant.EPOCH,
            "GET",
            Exchanges.api(),
            "/items/7",
            "q=a%20b",
            Exchanges.ip("10.0.0.1"),
            new HeaderList(),
            upstream);

    String head =
        "GET /items/7?q=a%20b HTTP/1.1\r\n"
            + "Accept: application/json\r\n"
            + "X-Client-Plan: premium\r\n";
    assertThat(UpstreamClient.requestHeadBytes(exchange))
        .isEqualTo(head.getBytes(StandardCharsets.ISO_8859_1).length);
  }
}
