package io.meshgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An upstream may set its own cookies, never the developer portal's. */
class GatewayCookiesTest {
  @Test
  void theUpstreamCannotPlantThePortalsCookies() {
    assertThat(UpstreamClient.setsGatewayCookie("__Secure-meshgate-portal=x; Path=/portal"))
        .isTrue();
    assertThat(UpstreamClient.setsGatewayCookie(" __SECURE-MESHGATE-PORTAL=x")).isTrue();
    assertThat(UpstreamClient.setsGatewayCookie("meshgate-portal-login=x; Path=/portal/api"))
        .isTrue();
    assertThat(UpstreamClient.setsGatewayCookie("meshgate-portal")).isTrue();
    assertThat(UpstreamClient.setsGatewayCookie("session=abc; Path=/; HttpOnly")).isFalse();
    assertThat(UpstreamClient.setsGatewayCookie("cart=meshgate-portal")).isFalse();
  }
}
