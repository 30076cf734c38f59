package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Signs the gateway's JWTs (mesh tokens, OAuth access tokens, admin tokens) with the key that signs
 * now, naming it by {@code kid}: the one place a gateway token gets its header and signature.
 */
@ApplicationScoped
public class GatewaySigner {
  @Inject SigningKeys keys;

  /** For tests and tools outside CDI. */
  public static GatewaySigner of(SigningKeys keys) {
    GatewaySigner signer = new GatewaySigner();
    signer.keys = keys;
    return signer;
  }

  /** A signed token and the key that signed it. */
  public record Signed(String token, String kid) {}

  /**
   * @param type the {@code typ} header ({@code JWT}, {@code at+jwt})
   * @throws SigningUnavailableException when no key signs now or signing fails
   */
  public Signed sign(JwtClaims claims, String type) {
    SigningKeys.ActiveKey key = keys.active();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(key.alg());
    jws.setKeyIdHeaderValue(key.kid());
    jws.setHeader("typ", type);
    jws.setKey(key.privateKey());
    try {
      return new Signed(jws.getCompactSerialization(), key.kid());
    } catch (JoseException e) {
      throw new SigningUnavailableException(
          "Signing failed with key " + key.kid() + ": " + e.getMessage());
    }
  }
}
