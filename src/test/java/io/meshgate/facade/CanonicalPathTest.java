package io.meshgate.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalPathTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/echo/x | /echo/x",
        "/ | /",
        "/echo/ | /echo/",
        "/admin/v1/apps | /admin/v1/apps",
        "/echo/%2561 | /echo/%61",
        "/echo/a%20b | /echo/a b",
        "/echo/caf%C3%A9 | /echo/café",
        "/echo/... | /echo/...",
        "/echo/..b | /echo/..b",
        "/echo/%20%21%24 | /echo/ !$",
        "/echo/%E2%80%AE | /echo/\u202e",
        "/echo/a.b/c. | /echo/a.b/c.",
        "/echo/%3F%23 | /echo/?#",
      })
  void acceptedPathsAreDecodedOnce(String raw, String canonical) throws Exception {
    assertThat(CanonicalPath.of(raw)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "echo/x | must start with '/'",
        "* | must start with '/'",
        "/admin;/v1/apps | ';'",
        "/admin;x=1/v1/apps | ';'",
        "/echo/..;/admin | ';'",
        "/echo\\..\\admin | '\\'",
        "/echo/%zz | two hex digits",
        "/echo/%4 | two hex digits",
        "/echo/% | two hex digits",
        "/echo/%00 | control characters",
        "/echo/%0a | control characters",
        "/echo/%7F | control characters",
        "/admin%3B/v1/apps | encode '/'",
        "/echo/..%2Fadmin | encode '/'",
        "/echo/a%2fb | encode '/'",
        "/echo/a%5Cb | encode '/'",
        "/echo/%C0%AE%C0%AE/admin | UTF-8",
        "/echo/%E0%80%AF | UTF-8",
        "/echo/%ED%A0%80 | UTF-8",
        "/echo/%C3 | UTF-8",
        "/echo/%FF | UTF-8",
        "//admin/v1/apps | empty segments",
        "/echo//x | empty segments",
        "/echo/. | '.' or '..'",
        "/echo/../admin | '.' or '..'",
        "/./admin | '.' or '..'",
        "/echo/%2e%2E/admin | must not encode letters, digits",
        "/echo/.%2e | send '.' as it is",
        "/echo/%2E/x | send '.' as it is",
        "/%61dmin/v1/apps | send 'a' as it is",
        "/admin/v1/%61%70%70%73 | send 'a' as it is",
        "/%65cho/x | send 'e' as it is",
        "/echo/%30 | send '0' as it is",
        "/echo/%39 | send '9' as it is",
        "/echo/%5A | send 'Z' as it is",
        "/echo/%2D | send '-' as it is",
        "/echo/%5f | send '_' as it is",
        "/echo/%7E | send '~' as it is",
      })
  void ambiguousPathsAreRefusedNamingTheRule(String raw, String reason) {
    assertThatThrownBy(() -> CanonicalPath.of(raw))
        .isInstanceOf(CanonicalPath.InvalidPathException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/echo/x | 1 | /x",
        "/caf%C3%A9/a%20b/c | 1 | /a%20b/c",
        "/caf%C3%A9 | 1 | ''",
        "/shop/orders/42 | 2 | /42",
        "/shop/ | 1 | /",
        "/a/b | 0 | /a/b",
      })
  void theRawRemainderIsCutOnSegments(String raw, int segments, String remainder) {
    assertThat(CanonicalPath.rawRemainder(raw, segments)).isEqualTo(remainder);
  }
}
