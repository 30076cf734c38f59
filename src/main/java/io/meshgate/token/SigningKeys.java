package io.meshgate.token;

import io.meshgate.support.ServerSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * The gateway's signing keys, kept in the database so every replica signs with the same key and
 * serves the same JWKS. On first start with no key, one is generated (ES256 unless configured
 * otherwise) and stored with its private part sealed under the key-encryption key.
 */
@ApplicationScoped
public class SigningKeys {
  private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject ServerSecrets secrets;
  @Inject Clock clock;

  @Inject
  @ConfigProperty(
      name = "meshgate.token.algorithm",
      defaultValue = AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
  String algorithm;

  private volatile ActiveKey active;
  private volatile String jwksJson = "{\"keys\":[]}";

  /** The key that signs now. */
  public ActiveKey active() {
    ActiveKey key = active;
    if (key == null) {
      throw new SigningUnavailableException("No active signing key");
    }
    return key;
  }

  public boolean hasActiveKey() {
    return active != null;
  }

  /**
   * The published keys as a jose4j verification key resolver: a token's key is chosen only by
   * {@code kid} among these, never from the token's own {@code jku}, {@code x5u} or {@code jwk}.
   * Rebuilt when the JWKS changes.
   */
  public org.jose4j.keys.resolvers.VerificationKeyResolver verificationKeys() {
    String json = jwksJson();
    Resolver current = resolver;
    if (current == null || !current.json().equals(json)) {
      try {
        current =
            new Resolver(
                json,
                new org.jose4j.keys.resolvers.JwksVerificationKeyResolver(
                    new org.jose4j.jwk.JsonWebKeySet(json).getJsonWebKeys()));
      } catch (JoseException e) {
        throw new IllegalStateException("The gateway's own JWKS does not parse", e);
      }
      resolver = current;
    }
    return current.keys();
  }

  private volatile Resolver resolver;

  private record Resolver(String json, org.jose4j.keys.resolvers.VerificationKeyResolver keys) {}

  /** The JWK Set of every published key, public parameters only. */
  public String jwksJson() {
    return jwksJson;
  }

  /**
   * Creates the first key when the database has none. Two replicas racing on an empty database both
   * try; the {@code key_bootstrap} primary key lets one commit and the other fail, after which it
   * simply loads the winner's key.
   */
  @Transactional
  public void createFirstKeyIfNone() {
    Number existing =
        (Number) em.createNativeQuery("select count(*) from key_bootstrap").getSingleResult();
    if (existing.longValue() > 0) {
      return;
    }
    String alg = algorithm.trim().toUpperCase(java.util.Locale.ROOT);
    PublicJsonWebKey jwk = generate(alg);
    String kid = thumbprint(jwk);
    jwk.setKeyId(kid);
    jwk.setAlgorithm(alg);
    jwk.setUse("sig");
    String publicJson = jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    String sealed =
        new PrivateKeySeal(secrets.keyEncryptionKey()).seal(jwk.getPrivateKey().getEncoded(), kid);
    em.createNativeQuery("insert into key_bootstrap (id, kid) values (1, ?1)")
        .setParameter(1, kid)
        .executeUpdate();
    em.persist(
        new SigningKeyEntity(
            kid, alg, publicJson, sealed, SigningKeyState.ACTIVE, clock.instant()));
    LOG.info("MESHGATE-KEYS: generated the first signing key, kid=" + kid + ", alg=" + alg);
  }

  /** Loads the active key and the JWKS from the database. */
  @Transactional
  public void reload() {
    List<SigningKeyEntity> keys =
        em.createQuery("select k from SigningKeyEntity k order by k.id", SigningKeyEntity.class)
            .getResultList();
    StringBuilder jwks = new StringBuilder("{\"keys\":[");
    boolean first = true;
    SigningKeyEntity newestActive = null;
    for (SigningKeyEntity key : keys) {
      if (key.getState().inJwks()) {
        jwks.append(first ? "" : ",").append(key.getPublicJwk());
        first = false;
      }
      if (key.getState() == SigningKeyState.ACTIVE) {
        newestActive = key;
      }
    }
    jwksJson = jwks.append("]}").toString();
    if (newestActive == null) {
      active = null;
      return;
    }
    byte[] pkcs8 =
        new PrivateKeySeal(secrets.keyEncryptionKey())
            .open(newestActive.getPrivateKeySealed(), newestActive.getKid());
    active =
        new ActiveKey(
            newestActive.getKid(), newestActive.getAlg(), privateKey(newestActive.getAlg(), pkcs8));
  }

  private static PublicJsonWebKey generate(String alg) {
    try {
      return switch (alg) {
        case AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256 ->
            EcJwkGenerator.generateJwk(EllipticCurves.P256);
        case AlgorithmIdentifiers.RSA_USING_SHA256 -> RsaJwkGenerator.generateJwk(2048);
        default ->
            throw new IllegalStateException(
                "meshgate.token.algorithm must be ES256 or RS256 (was '" + alg + "')");
      };
    } catch (JoseException e) {
      throw new IllegalStateException("Cannot generate a " + alg + " key", e);
    }
  }

  private static String thumbprint(PublicJsonWebKey jwk) {
    return jwk.calculateBase64urlEncodedThumbprint("SHA-256");
  }

  private static PrivateKey privateKey(String alg, byte[] pkcs8) {
    try {
      String family = alg.startsWith("ES") ? "EC" : "RSA";
      return KeyFactory.getInstance(family).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("Stored private key is not a valid " + alg + " key", e);
    }
  }

  /** The key that signs: id, JWS algorithm and private key. */
  public record ActiveKey(String kid, String alg, PrivateKey privateKey) {
    @Override
    public String toString() {
      return "ActiveKey[kid=" + kid + ", alg=" + alg + "]";
    }
  }
}
