package io.meshgate.chain;

import static io.meshgate.chain.Exchanges.headers;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderListTest {

  @Test
  void normalizeLowerCasesAsciiAndReadsUnderscoreAsDash() {
    assertThat(HeaderList.normalize("X_Client_Plan")).isEqualTo("x-client-plan");
    assertThat(HeaderList.normalize("X-CLIENT-PLAN")).isEqualTo("x-client-plan");
    assertThat(HeaderList.normalize("x_client-plan")).isEqualTo("x-client-plan");
    assertThat(HeaderList.normalize("content-type")).isEqualTo("content-type");
    assertThat(HeaderList.normalize("")).isEmpty();
  }

  @Test
  void normalizeReturnsTheSameInstanceWhenAlreadyNormal() {
    String name = "x-request-id";
    assertThat(HeaderList.normalize(name)).isSameAs(name);
  }

  @Test
  void lookupsMatchEverySpelling() {
    HeaderList list = headers("X_Client_Plan", "gold");
    assertThat(list.first("x-client-plan")).isEqualTo("gold");
    assertThat(list.first("X-CLIENT-PLAN")).isEqualTo("gold");
    assertThat(list.contains("x_client_plan")).isTrue();
    assertThat(list.first("x-client-id")).isNull();
    assertThat(list.contains("x-client-id")).isFalse();
  }

  @Test
  void duplicatesAreKeptInOrderAndCountedAcrossSpellings() {
    HeaderList list = headers("Accept", "a", "X-Tag", "1", "x_tag", "2", "X-TAG", "3");
    assertThat(list.size()).isEqualTo(4);
    assertThat(list.count("x-tag")).isEqualTo(3);
    assertThat(list.count("accept")).isEqualTo(1);
    assertThat(list.count("missing")).isZero();
    assertThat(list.all("X-Tag")).containsExactly("1", "2", "3");
    assertThat(list.first("x-tag")).isEqualTo("1");
    assertThat(list.all("missing")).isEmpty();
  }

  @Test
  void growsPastItsExpectedSizeAndKeepsOrderThroughRemovals() {
    HeaderList list = new HeaderList(0);
    for (int i = 0; i < 40; i++) {
      list.add(i % 2 == 0 ? "X-Even" : "X-Odd-" + i, Integer.toString(i));
    }
    assertThat(list.size()).isEqualTo(40);
    list.removeAll("x_even");
    assertThat(list.size()).isEqualTo(20);
    assertThat(list.first("x-odd-39")).isEqualTo("39");
    assertThat(list.contains("x-even")).isFalse();
    list.add("X-Even", "again");
    assertThat(fields(list)).hasSize(21).startsWith("X-Odd-1=1").endsWith("X-Even=again");
  }

  @Test
  void removeAllRemovesEverySpellingAndKeepsTheOthersInOrder() {
    HeaderList list =
        headers("A", "1", "X-Client-Plan", "p1", "B", "2", "x_client_plan", "p2", "C", "3");
    list.removeAll("X-CLIENT-PLAN");
    assertThat(fields(list)).containsExactly("A=1", "B=2", "C=3");
  }

  @Test
  void setReplacesEverySpellingByOneFieldAtTheEnd() {
    HeaderList list = headers("X_Client_Id", "forged", "Accept", "*/*", "x-client-id", "forged2");
    list.set("x-client-id", "real");
    assertThat(fields(list)).containsExactly("Accept=*/*", "x-client-id=real");
    assertThat(list.count("X-Client-Id")).isEqualTo(1);
  }

  @Test
  void forEachKeepsTheSendersSpelling() {
    HeaderList list = headers("X_Weird_Name", "v", "Content-Type", "text/plain");
    assertThat(fields(list)).containsExactly("X_Weird_Name=v", "Content-Type=text/plain");
  }

  @Test
  void forEachFieldGivesBothSpellingsOfEachName() {
    HeaderList list =
        headers("X_Weird_Name", "v", "Content-Type", "text/plain", "content-length", "3");
    List<String> seen = new ArrayList<>();
    list.forEachField((name, normalized, value) -> seen.add(name + "|" + normalized + "=" + value));
    assertThat(seen)
        .containsExactly(
            "X_Weird_Name|x-weird-name=v",
            "Content-Type|content-type=text/plain",
            "content-length|content-length=3");
  }

  @Test
  void wellKnownNamesNormalizeLikeAnyOtherInEverySpelling() {
    for (String name :
        List.of(
            "Content-Type",
            "CONTENT-TYPE",
            "content-Type",
            "Content_Type",
            "X-Request-ID",
            "ETag",
            "X-API-Key",
            "Set-Cookie",
            "Strict-Transport-Security")) {
      assertThat(HeaderList.normalize(name))
          .isEqualTo(name.toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
  }

  @Test
  void removeIfSeesNormalizedNames() {
    HeaderList list = headers("X_Envoy_Foo", "1", "Keep", "2");
    List<String> seen = new ArrayList<>();
    list.removeIf(
        n -> {
          seen.add(n);
          return n.startsWith("x-envoy-");
        });
    assertThat(seen).containsExactly("x-envoy-foo", "keep");
    assertThat(fields(list)).containsExactly("Keep=2");
  }

  private static List<String> fields(HeaderList list) {
    List<String> out = new ArrayList<>();
    list.forEach((n, v) -> out.add(n + "=" + v));
    return out;
  }

  @Test
  void wireSizeCountsEachFieldAsAnHttp11Line() {
    HeaderList h = new HeaderList();
    assertThat(h.wireSize()).isZero();
    h.add("X-Pad", "abc");
    h.add("x-pad", "de");
    // "X-Pad: abc\r\n" + "x-pad: de\r\n"
    assertThat(h.wireSize()).isEqualTo(12 + 11);
  }
}
