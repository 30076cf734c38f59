package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading YAML from callers: plain data only, bounded, every refusal a clear message. */
class ManifestTextTest {

  @Test
  void kubectlOutputIsReadItemByItemWithTimestampsAsText() {
    List<Map<String, Object>> docs =
        ManifestText.read(
            "apiVersion: v1\nkind: List\nitems:\n"
                + "- {apiVersion: v1, kind: Service, metadata: {name: a, creationTimestamp: 2026-12-01T10:00:00Z}}\n"
                + "- {apiVersion: v1, kind: Service, metadata: {name: b}}\n---\n---\n");
    assertThat(docs).hasSize(2);
    assertThat(((Map<?, ?>) docs.get(0).get("metadata")).get("creationTimestamp"))
        .isEqualTo("2026-12-01T10:00:00Z");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a: &x [1, 2]\\nb: *x | is not valid YAML",
        "a: &r [*r] | is not valid YAML",
        "{1: a} | has a key that is not a string at object 1",
        "a: .nan | has a number that is not finite at object 1.a",
        "a: 123456789012345678901234567890 | has a number too large at object 1.a",
        "a: !!map x | is not valid YAML",
        "- a | document 1 is not a YAML mapping"
      })
  void whatIsNotPlainBoundedDataIsRefused(String yaml, String message) {
    assertThatThrownBy(() -> ManifestText.read(yaml.replace("\\n", "\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aTextWithTooManyValuesIsRefused() {
    String many = "a: [" + "1,".repeat(ManifestText.MAX_NODES) + "1]";
    assertThatThrownBy(() -> ManifestText.read(many))
        .hasMessage("holds more than " + ManifestText.MAX_NODES + " values");
  }
}
