package io.meshgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathTemplateTest {
  @ParameterizedTest
  @CsvSource({
    "/orders/{id}, /orders/42, true",
    "/orders/{id}, /orders/, false",
    "/orders/{id}, /orders/42/items, false",
    "/orders/{id}, /Orders/42, false",
    "/orders/**, /orders, true",
    "/orders/**, /orders/1/2/3, true",
    "/orders/**, /order, false",
    "/**, /anything/at/all, true",
    "/, /, true",
    "/, '', true",
    "/a/{x}/c, /a/b/c, true",
    "/a/{x}/c, /a/b/d, false",
    // Spellings an upstream reads as the same resource match too.
    "/orders/{id}, /%6Frders/1, true",
    "/orders/{id}, /orders/1/, true",
    "/orders/{id}, /orders;v=1/1, true",
    "/orders/{id}, /orders/1;jsessionid=x, true",
    "/orders/{id}, /orders%2F1, false",
    "/orders/{id}, /orders/%zz, true",
    "/orders/, /orders/, true",
    "/orders/{id}, //orders/1, true",
    "/orders/{id}, /orders//1, true",
    "/orders/**, //orders, true",
  })
  void matchesSegmentBySegment(String template, String path, boolean matches) {
    assertThat(PathTemplate.parse(template).matches(path)).isEqualTo(matches);
  }
}
