package io.meshgate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PrivateKeySealTest {
  private static final byte[] KEK = key(1);
  private static final byte[] OTHER_KEK = key(2);
  private static final byte[] PLAIN = "pkcs8 private key bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void roundTrip() {
    PrivateKeySeal seal = new PrivateKeySeal(KEK);
    String sealed = seal.seal(PLAIN, "kid-1");

    assertThat(sealed).startsWith("v1.").doesNotContain(new String(PLAIN, StandardCharsets.UTF_8));
    assertThat(new PrivateKeySeal(KEK).open(sealed, "kid-1")).isEqualTo(PLAIN);
  }

  @Test
  void everySealUsesAFreshNonce() {
    PrivateKeySeal seal = new PrivateKeySeal(KEK);
    assertThat(seal.seal(PLAIN, "kid-1")).isNotEqualTo(seal.seal(PLAIN, "kid-1"));
  }

  @Test
  void wrongKeyEncryptionKeyFails() {
    String sealed = new PrivateKeySeal(KEK).seal(PLAIN, "kid-1");

    assertThatIllegalStateException()
        .isThrownBy(() -> new PrivateKeySeal(OTHER_KEK).open(sealed, "kid-1"))
        .withMessage(
            "Cannot unseal signing key kid-1: wrong key-encryption key (MESHGATE_KEK) or damaged data");
  }

  @Test
  void keyMovedToAnotherKidFails() {
    String sealed = new PrivateKeySeal(KEK).seal(PLAIN, "kid-1");

    assertThatIllegalStateException()
        .isThrownBy(() -> new PrivateKeySeal(KEK).open(sealed, "kid-2"))
        .withMessage(
            "Cannot unseal signing key kid-2: wrong key-encryption key (MESHGATE_KEK) or damaged data");
  }

  @Test
  void tamperedDataFails() {
    String sealed = new PrivateKeySeal(KEK).seal(PLAIN, "kid-1");
    byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
    raw[raw.length - 1] ^= 1;
    String tampered = "v1." + Base64.getEncoder().encodeToString(raw);

    assertThatIllegalStateException()
        .isThrownBy(() -> new PrivateKeySeal(KEK).open(tampered, "kid-1"));
    assertThatIllegalStateException()
        .isThrownBy(() -> new PrivateKeySeal(KEK).open("v1.***not base64***", "kid-1"))
        .withMessageStartingWith("Cannot unseal signing key kid-1");
  }

  @Test
  void unknownFormat() {
    assertThatIllegalStateException()
        .isThrownBy(() -> new PrivateKeySeal(KEK).open("v2.AAAA", "kid-1"))
        .withMessage("Sealed key kid-1 has an unknown format");
  }

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }
}
