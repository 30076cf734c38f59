package io.meshgate.facade;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFramingTest {
  @ParameterizedTest
  @ValueSource(strings = {"0", "5", "000", "123456789012345678"})
  void oneDecimalNumberIsALength(String value) {
    assertThat(RequestFraming.isLength(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "5, 6", "5,5", "abc", "+5", "-1", " 5", "5 ", "0x5", "1234567890123456789"})
  void anythingElseIsNot(String value) {
    assertThat(RequestFraming.isLength(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"X-Probe", "x_probe", "A!#$%&'*+-.^_`|~9"})
  void tokensAreFieldNames(String name) {
    assertThat(RequestFraming.isToken(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "X-Probe ", "X Probe", "X(A)", "X:A", "X\u00e9"})
  void nonTokensAreNot(String name) {
    assertThat(RequestFraming.isToken(name)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "a\u0001b", "a\rb", "a\nb", "a\u007fb"})
  void controlCharactersAreNotFieldValues(String value) {
    assertThat(RequestFraming.isFieldValue(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a\tb", "caf\u00e9", "\"quoted\""})
  void textIsAFieldValue(String value) {
    assertThat(RequestFraming.isFieldValue(value)).isTrue();
  }
}
