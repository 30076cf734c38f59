package it.io.meshgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.hostile.Input.Port;
import it.io.meshgate.hostile.PathRules.Caller;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The oracle of the path suite against the documented rule, and against what Liberty was measured
 * to do before any application code runs (README, "Limits that remain").
 */
class PathRulesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Liberty's own bare 400, before the application
        "echo/x | 400 -",
        "/echo/a\tb | 400 -",
        "/echo/% | 400 -",
        "/echo/%4 | 400 -",
        "/echo/%zz | 400 -",
        "/echo/%u002e | 400 -",
        "/echo/%00 | 400 -",
        "/echo/%0d%0a | 400 -",
        "/echo/%7F | 400 -",
        "/;/echo/x | 400 -",
        "/;x/echo | 400 -",
        "/echo/;/x | 400 -",
        "/echo/..; | 400 -",
        "/echo/x/.; | 400 -",
        "/echo/..;x/y | 400 -",
        "/echo/%2e%2e;/x | 400 -",
        "/echo/%3b/ | 400 -",
        "/../echo/x | 400 -",
        "/.. | 400 -",
        "/echo/x/../../.. | 400 -",
        "/echo/./../../x | 400 -",
        "/echo/..%2f..%2f | 400 -",
        // the gateway's rule (or the container's, with the same answer)
        "/echo/;x | 400 INVALID_PATH",
        "/echo/; | 400 INVALID_PATH",
        "/; | 400 INVALID_PATH",
        "/echo/x;y | 400 INVALID_PATH",
        "/echo/a;jsessionid=1 | 400 INVALID_PATH",
        "/admin;/v1/apps | 400 INVALID_PATH",
        "/echo/...; | 400 INVALID_PATH",
        "/echo/x;/.. | 400 INVALID_PATH",
        "/echo/%3B | 400 INVALID_PATH",
        "/echo/x%3b/.. | 400 INVALID_PATH",
        "/echo/x/../.. | 400 INVALID_PATH",
        "/. | 400 INVALID_PATH",
        "/echo/%23 | 400 INVALID_PATH",
        "/echo/x#y | 400 INVALID_PATH",
        "/echo\\x | 400 INVALID_PATH",
        "/echo/%5c | 400 INVALID_PATH",
        "/echo/a%2fb | 400 INVALID_PATH",
        "/echo/%2E | 400 INVALID_PATH",
        "/echo/x%2e%2e | 400 INVALID_PATH",
        "/%61dmin/v1/apps | 400 INVALID_PATH",
        "/admin/v1/%61%70%70%73 | 400 INVALID_PATH",
        "/echo/%7e | 400 INVALID_PATH",
        "/echo/%80 | 400 INVALID_PATH",
        "/echo/%c0%ae | 400 INVALID_PATH",
        "/echo/\u00e9 | 400 INVALID_PATH",
        "//echo/x | 400 INVALID_PATH",
        "/echo//x | 400 INVALID_PATH",
        "/echo/./x | 400 INVALID_PATH",
        // routed on the canonical path
        "/nothing/x | 404 ROUTE_NOT_FOUND",
        "/admin/v1/apps | 404 ROUTE_NOT_FOUND",
        "/admin | 404 ROUTE_NOT_FOUND",
        "/Admin/v1/apps | 404 ROUTE_NOT_FOUND",
        "/orders/x | 401 CLIENT_AUTH_MISSING",
        "/.well-known/jwks.json | 200 -",
        "/.well-known/jwks.json/ | 200 -",
        "/.well-known/x | 404 ROUTE_NOT_FOUND",
        "/oauth2/token | 405 -",
        "/oauth2 | 404 ROUTE_NOT_FOUND",
        "/metrics | 404 ROUTE_NOT_FOUND",
        "/openapi/ | 404 ROUTE_NOT_FOUND",
      })
  void dataPortWithoutACredential(String target, String outcome) {
    Expected e = PathRules.expect(Port.DATA, target, Caller.NONE);
    assertThat(e.status() + " " + e.errorKey()).as(target).isEqualTo(outcome);
    assertThat(e.forwarded()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/orders/x?a=1 | /svc/orders/x?a=1",
        "/orders | /svc/orders",
        "/orders/ | /svc/orders/",
        "/orders/a%20b/%2561?q=%zz | /svc/orders/a%20b/%2561?q=%zz",
        "/orders/caf%C3%A9 | /svc/orders/caf%C3%A9",
        "/orders/%E2%80%AE | /svc/orders/%E2%80%AE",
        "/orders/a%3F%40 | /svc/orders/a%3F%40",
      })
  void dataPortApiCallsForwardTheRawRestOfThePath(String target, String upstream) {
    assertThat(PathRules.expect(Port.DATA, target, Caller.API_KEY))
        .isEqualTo(Expected.forwarded(upstream));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/admin/v1/apps | NONE | 401 ADMIN_TOKEN_MISSING",
        "/admin/v1/apps/ | NONE | 401 ADMIN_TOKEN_MISSING",
        "/admin/v1/apps/%20 | NONE | 401 ADMIN_TOKEN_MISSING",
        "/admin/v1/keys/%2561 | FORGED_ADMIN_TOKEN | 401 ADMIN_TOKEN_INVALID",
        "/admin/v1/apis/1/publish | NONE | 405 METHOD_NOT_ALLOWED",
        "/admin/oauth2/token | NONE | 405 METHOD_NOT_ALLOWED",
        "/admin/v1/APPS | NONE | 404 NOT_FOUND",
        "/admin/v1/apps%20 | NONE | 404 NOT_FOUND",
        "/admin/ | NONE | 404 NOT_FOUND",
        "/admin | NONE | 404 ROUTE_NOT_FOUND",
        "/%2561dmin/v1/apps | NONE | 404 ROUTE_NOT_FOUND",
        "/orders/x | NONE | 404 ROUTE_NOT_FOUND",
        "/.well-known/jwks.json | NONE | 404 ROUTE_NOT_FOUND",
        "/metrics | NONE | 200 -",
        "/openapi/ | FORGED_ADMIN_TOKEN | 200 -",
        "/METRICS | NONE | 404 ROUTE_NOT_FOUND",
        "/metrics%20 | NONE | 404 ROUTE_NOT_FOUND",
        "/%61dmin/v1/apps | NONE | 400 INVALID_PATH",
        "/admin;x=1/v1/keys | NONE | 400 INVALID_PATH",
        "/admin/v1/apps;jsessionid=1 | NONE | 400 INVALID_PATH",
      })
  void adminPort(String target, Caller caller, String outcome) {
    Expected e = PathRules.expect(Port.ADMIN, target, caller);
    assertThat(e.status() + " " + e.errorKey()).as(target).isEqualTo(outcome);
  }
}
