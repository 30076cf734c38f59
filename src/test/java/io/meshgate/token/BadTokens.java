package io.meshgate.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The catalogue of tokens every JWT path of meshgate must refuse (issue #6): forged algorithms,
 * confused keys, keys the token tries to bring along, broken claims and broken encodings. Each is
 * built from one valid token of the path under test, so each differs from an accepted token in one
 * defect only. Shared by the unit test of {@link JwtValidator} and the integration tests that send
 * the catalogue to the OAuth bearer path, the admin API and an external-IdP API.
 */
public final class BadTokens {
  /** The key a path trusts: its kid, algorithm (ES256 or RS256), private and public halves. */
  public record Signer(String kid, String alg, PrivateKey privateKey, PublicJsonWebKey publicJwk) {
    @Override
    public String toString() {
      return "Signer[kid=" + kid + ", alg=" + alg + "]";
    }
  }

  /** One bad token and what is wrong with it. */
  public record Bad(String defect, String token) {
    @Override
    public String toString() {
      return defect;
    }
  }

  private final Signer signer;
  private final Signer attacker;
  private final Map<String, Object> header;
  private final Map<String, Object> claims;
  private final URI trap;
  private final long now;

  /**
   * @param header the header of a valid token (alg, kid, typ)
   * @param claims the claims of a valid token now (iss, aud, exp, ...)
   * @param trap a URL the test serves and counts requests to: no request may reach it
   * @param now the time the claims were issued at
   */
  public BadTokens(
      Signer signer,
      Map<String, Object> header,
      Map<String, Object> claims,
      URI trap,
      Instant now) {
    this.now = now.getEpochSecond();
    this.signer = signer;
    this.attacker = generate("attacker-" + signer.alg(), signer.alg());
    this.header = Map.copyOf(header);
    this.claims = Map.copyOf(claims);
    this.trap = trap;
  }

  /** A token the path must accept: the control every bad token is compared with. */
  public String valid() {
    return sign(header, claims, signer);
  }

  /** The header and claims of a valid token for the path, issued now. */
  public static Map<String, Object> headerOf(Signer signer, String type) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", signer.alg());
    h.put("kid", signer.kid());
    h.put("typ", type);
    return h;
  }

  public List<Bad> all() {
    List<Bad> bad = new ArrayList<>();
    String valid = valid();
    String[] parts = valid.split("\\.");
    String claimsJson = JsonUtil.toJson(claims);

    for (String none : new String[] {"none", "None", "NONE", "nOnE"}) {
      Map<String, Object> h = with(header, m -> m.put("alg", none));
      bad.add(
          new Bad("alg " + none + ", no signature", b64(json(h)) + "." + b64(claimsJson) + "."));
      bad.add(
          new Bad(
              "alg " + none + ", with a signature",
              b64(json(h)) + "." + b64(claimsJson) + "." + parts[2]));
    }
    byte[] jwkBytes =
        signer
            .publicJwk()
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            .getBytes(StandardCharsets.UTF_8);
    byte[] der = signer.publicJwk().getPublicKey().getEncoded();
    byte[] pem =
        ("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n")
            .getBytes(StandardCharsets.US_ASCII);
    bad.add(hmac("HS256 keyed with the public JWK", "HS256", jwkBytes));
    bad.add(hmac("HS256 keyed with the public key PEM", "HS256", pem));
    bad.add(hmac("HS256 keyed with the public key DER", "HS256", der));
    bad.add(hmac("HS384 keyed with the public key PEM", "HS384", pem));
    bad.add(hmac("HS512 keyed with the public key PEM", "HS512", pem));

    bad.add(attacked("unknown kid", m -> m.put("kid", "no-such-key")));
    bad.add(new Bad("no kid", sign(with(header, m -> m.remove("kid")), claims, signer)));
    bad.add(new Bad("empty kid", sign(with(header, m -> m.put("kid", "")), claims, signer)));
    bad.add(new Bad("kid as a number", sign(with(header, m -> m.put("kid", 1)), claims, signer)));
    bad.add(attacked("kid with a path", m -> m.put("kid", "../../../../../../dev/null")));
    bad.add(attacked("kid with SQL", m -> m.put("kid", "x' UNION SELECT 'secret' --")));
    bad.add(attacked("kid with a NUL", m -> m.put("kid", signer.kid() + "\u0000")));
    bad.add(attacked("kid of 5000 characters", m -> m.put("kid", "k".repeat(5000))));
    bad.add(
        attacked(
            "jku to a test server, its own kid",
            m -> {
              m.put("kid", attacker.kid());
              m.put("jku", trap.resolve("/jku.json").toString());
            }));
    bad.add(
        attacked(
            "jku to a test server, the real kid",
            m -> m.put("jku", trap.resolve("/jwks").toString())));
    bad.add(
        attacked(
            "x5u to a test server",
            m -> {
              m.put("kid", attacker.kid());
              m.put("x5u", trap.resolve("/x5u.pem").toString());
            }));
    bad.add(
        attacked(
            "embedded jwk, no kid",
            m -> {
              m.remove("kid");
              m.put(
                  "jwk", attacker.publicJwk().toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            }));
    bad.add(
        attacked(
            "embedded jwk with the real kid",
            m ->
                m.put(
                    "jwk",
                    attacker.publicJwk().toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY))));
    bad.add(
        attacked(
            "x5c with the attacker's key material",
            m ->
                m.put(
                    "x5c",
                    List.of(
                        Base64.getEncoder()
                            .encodeToString(attacker.publicJwk().getPublicKey().getEncoded())))));
    String otherAlg = signer.alg().equals("ES256") ? "RS256" : "ES256";
    Signer otherFamily = generate(signer.kid(), otherAlg);
    bad.add(
        new Bad(
            otherAlg + " with the real kid (key of another type)",
            sign(with(header, m -> m.put("alg", otherAlg)), claims, otherFamily)));
    bad.add(
        new Bad(
            "alg outside the allow-list (PS256) with the real kid",
            b64(json(with(header, m -> m.put("alg", "PS256"))))
                + "."
                + b64(claimsJson)
                + "."
                + parts[2]));

    bad.add(signed("expired an hour ago", c -> c.put("exp", now - 3600)));
    bad.add(signed("expired beyond the skew", c -> c.put("exp", now - 120)));
    bad.add(
        signed(
            "nbf beyond the skew",
            c -> {
              c.put("nbf", now + 3600);
              c.put("exp", now + 7200);
            }));
    bad.add(signed("wrong iss", c -> c.put("iss", "https://evil.example")));
    bad.add(signed("iss with a trailing slash", c -> c.put("iss", claims.get("iss") + "/")));
    bad.add(signed("no iss", c -> c.remove("iss")));
    bad.add(signed("wrong aud", c -> c.put("aud", "someone-else")));
    bad.add(signed("aud list without ours", c -> c.put("aud", List.of("someone-else", "another"))));
    bad.add(signed("no aud", c -> c.remove("aud")));
    bad.add(signed("no exp", c -> c.remove("exp")));
    bad.add(signed("exp as a string", c -> c.put("exp", "tomorrow")));
    bad.add(new Bad("wrong typ", sign(with(header, m -> m.put("typ", "JWT")), claims, signer)));
    bad.add(new Bad("no typ", sign(with(header, m -> m.remove("typ")), claims, signer)));

    String other = sign(header, with(claims, c -> c.put("jti", "another-token")), signer);
    bad.add(
        new Bad(
            "signature of another token", parts[0] + "." + parts[1] + "." + other.split("\\.")[2]));
    bad.add(
        new Bad("signature with a flipped bit", parts[0] + "." + parts[1] + "." + flip(parts[2])));
    bad.add(new Bad("signature stripped", parts[0] + "." + parts[1] + "."));
    bad.add(new Bad("truncated", valid.substring(0, valid.length() - 8)));
    bad.add(new Bad("extra dot at the end", valid + "."));
    bad.add(new Bad("extra dots inside", parts[0] + ".." + parts[1] + "." + parts[2]));
    bad.add(new Bad("a fourth part", valid + ".e30"));
    bad.add(new Bad("five parts, JWE-like", parts[0] + ".." + parts[1] + "." + parts[2] + ".e30"));
    bad.add(new Bad("two parts", parts[0] + "." + parts[1]));
    bad.add(
        new Bad(
            "non-base64url characters",
            parts[0] + "." + parts[1].replace('-', '+').replace('_', '/') + "+/." + parts[2]));
    bad.add(new Bad("base64 padding", parts[0] + "=." + parts[1] + "." + parts[2]));
    bad.add(new Bad("header not JSON", b64("not json") + "." + parts[1] + "." + parts[2]));
    bad.add(
        new Bad("header a JSON array", signRaw("[\"" + signer.alg() + "\"]", claimsJson, signer)));
    bad.add(new Bad("claims not JSON", signRaw(json(header), "hello", signer)));
    bad.add(
        new Bad(
            "duplicate alg member",
            signRaw(
                "{\"alg\":\"none\",\"alg\":\""
                    + signer.alg()
                    + "\",\"kid\":\""
                    + signer.kid()
                    + "\",\"typ\":\""
                    + header.get("typ")
                    + "\"}",
                claimsJson,
                signer)));
    bad.add(
        new Bad(
            "crit header", sign(with(header, m -> m.put("crit", List.of("exp"))), claims, signer)));
    bad.add(new Bad("b64 false", sign(with(header, m -> m.put("b64", false)), claims, signer)));
    bad.add(new Bad("zip header", sign(with(header, m -> m.put("zip", "DEF")), claims, signer)));
    bad.add(
        new Bad(
            "nested token (cty JWT)",
            signRaw(json(with(header, m -> m.put("cty", "JWT"))), valid, signer)));
    bad.add(
        new Bad(
            "nested token (cty application/JWT)",
            signRaw(json(with(header, m -> m.put("cty", "application/JWT"))), valid, signer)));
    bad.add(
        new Bad(
            "JSON 10,000 deep",
            signRaw(json(header), "[".repeat(10_000) + "]".repeat(10_000), signer)));
    bad.add(
        new Bad(
            "JSON 500 deep inside a claim",
            signRaw(
                json(header),
                claimsJson.substring(0, claimsJson.length() - 1)
                    + ",\"x\":"
                    + "[".repeat(500)
                    + "]".repeat(500)
                    + "}",
                signer)));
    bad.add(new Bad("30 KB token", b64(json(header)) + "." + "A".repeat(30_000) + "." + parts[2]));
    bad.add(new Bad("1 MB token", b64(json(header)) + "." + "A".repeat(1 << 20) + "." + parts[2]));
    bad.add(zeroSignature());
    return bad;
  }

  private Bad zeroSignature() {
    String input = b64(json(header)) + "." + b64(JsonUtil.toJson(claims));
    if (signer.alg().equals("ES256")) {
      // CVE-2022-21449 ("psychic signatures"): r = s = 0 verified on unpatched Java.
      return new Bad("ECDSA signature r = s = 0", input + "." + b64(new byte[64]));
    }
    return new Bad("RSA signature of zeros", input + "." + b64(new byte[256]));
  }

  private Bad hmac(String defect, String alg, byte[] secret) {
    String input =
        b64(json(with(header, m -> m.put("alg", alg)))) + "." + b64(JsonUtil.toJson(claims));
    try {
      String macAlg = "Hmac" + "SHA" + alg.substring(2);
      Mac mac = Mac.getInstance(macAlg);
      mac.init(new SecretKeySpec(secret, macAlg));
      return new Bad(
          defect, input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Bad attacked(String defect, Consumer<Map<String, Object>> change) {
    return new Bad(defect, sign(with(header, change), claims, attacker));
  }

  private Bad signed(String defect, Consumer<Map<String, Object>> change) {
    return new Bad(defect, sign(header, with(claims, change), signer));
  }

  private static Map<String, Object> with(
      Map<String, Object> base, Consumer<Map<String, Object>> change) {
    Map<String, Object> m = new LinkedHashMap<>(base);
    change.accept(m);
    return m;
  }

  private static String json(Map<String, Object> m) {
    return JsonUtil.toJson(m);
  }

  /** Signs header and claims with the signer's key (the header's alg decides nothing here). */
  public static String sign(Map<String, Object> header, Map<String, Object> claims, Signer signer) {
    return signRaw(JsonUtil.toJson(header), JsonUtil.toJson(claims), signer);
  }

  public static String signRaw(String headerJson, String claimsJson, Signer signer) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    try {
      Signature s =
          Signature.getInstance(
              signer.alg().equals("ES256") ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      s.initSign(signer.privateKey());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh key pair of the algorithm's family, as an attacker (or a test IdP) would make. */
  public static Signer generate(String kid, String alg) {
    try {
      KeyPair pair;
      if (alg.equals("ES256")) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        pair = g.generateKeyPair();
      } else {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        pair = g.generateKeyPair();
      }
      PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic());
      jwk.setKeyId(kid);
      jwk.setAlgorithm(alg);
      jwk.setUse("sig");
      return new Signer(kid, alg, pair.getPrivate(), jwk);
    } catch (GeneralSecurityException | JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JWK Set JSON of these signers' public keys. */
  public static String jwks(Signer... signers) {
    StringBuilder s = new StringBuilder("{\"keys\":[");
    for (int i = 0; i < signers.length; i++) {
      s.append(i == 0 ? "" : ",")
          .append(signers[i].publicJwk().toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }
    return s.append("]}").toString();
  }

  /** Valid claims for a token issued now. */
  public static Map<String, Object> claims(
      String issuer, String audience, String subject, Instant now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", issuer);
    c.put("aud", audience);
    c.put("sub", subject);
    c.put("iat", now.getEpochSecond());
    c.put("nbf", now.getEpochSecond());
    c.put("exp", now.getEpochSecond() + 600);
    c.put("jti", java.util.UUID.randomUUID().toString());
    return c;
  }

  static String b64(String s) {
    return b64(s.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String flip(String b64url) {
    byte[] sig = Base64.getUrlDecoder().decode(b64url);
    sig[sig.length / 2] ^= 0x01;
    return b64(sig);
  }
}
