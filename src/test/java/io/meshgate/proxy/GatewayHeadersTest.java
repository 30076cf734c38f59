package io.meshgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.chain.HeaderList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayHeadersTest {
  private final GatewayHeaders defaults = GatewayHeaders.defaults();

  /**
   * Callers pass normalized names; every spelling a client may use normalizes to a reserved one.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Authorization",
        "AUTHORIZATION",
        "X-API-Key",
        "x_api_key",
        "X-Forwarded-Client-Cert",
        "x_forwarded_client_cert",
        "X-Forwarded-For",
        "X_FORWARDED_FOR",
        "X-Forwarded-Proto",
        "x-forwarded_proto",
        "X-Forwarded-Host",
        "X_Forwarded_Host",
        "X-Forwarded-Port",
        "x-FORWARDED-port",
        "Forwarded",
        "FORWARDED",
        "Host",
        "HOST",
        "Content-Length",
        "content_length",
        "Expect",
        "EXPECT",
        "X-Client-Id",
        "X_Client_Id",
        "x-client-id",
        "X-Client-Plan",
        "X_CLIENT_PLAN",
        "X-Api-Product",
        "x_api_product",
        "X-Request-Id",
        "X_Request_ID",
      })
  void reservedNamesInEverySpelling(String name) {
    assertThat(defaults.isReserved(HeaderList.normalize(name))).as(name).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "X-Meshgate-Anything",
        "x_meshgate_app",
        "X-Envoy-Original-Path",
        "x_envoy_external_address",
        "X-ENVOY-PEER-METADATA",
        "X-Istio-Attributes",
        "x_istio_auth_userinfo",
        "$WSSC",
        "$wsis",
        "$WsRa",
        "$WSRH",
        "$WSSN",
        "_WS_HAPRT_WLMVERSION",
      })
  void reservedPrefixesInEverySpelling(String name) {
    assertThat(defaults.isReserved(HeaderList.normalize(name))).as(name).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Accept",
        "Content-Type",
        "X-Client-Secret",
        "X-Custom",
        "X-Meshgate",
        "X-Envoy",
        "X-Istio",
        "X-Request-Ids",
        "Cookie",
        "User-Agent",
      })
  void ordinaryNamesAreNotReserved(String name) {
    assertThat(defaults.isReserved(HeaderList.normalize(name))).as(name).isFalse();
  }

  @Test
  void configuredExtrasAreReservedInEverySpelling() {
    GatewayHeaders headers = GatewayHeaders.defaults(" X_Tenant_Id ", "x-user-roles");

    assertThat(headers.isReserved(HeaderList.normalize("X-Tenant-Id"))).isTrue();
    assertThat(headers.isReserved(HeaderList.normalize("x_tenant_id"))).isTrue();
    assertThat(headers.isReserved(HeaderList.normalize("X-USER-ROLES"))).isTrue();
    assertThat(defaults.isReserved("x-tenant-id")).isFalse();
  }

  @Test
  void defaultNames() {
    assertThat(defaults.clientId()).isEqualTo("x-client-id");
    assertThat(defaults.clientPlan()).isEqualTo("x-client-plan");
    assertThat(defaults.apiProduct()).isEqualTo("x-api-product");
    assertThat(defaults.requestId()).isEqualTo("x-request-id");
  }
}
