package io.meshgate.policy.clientauth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Config of {@code client-auth}; omitted fields take the documented defaults.
 *
 * <p>{@code certificateAuthorities}: a PEM bundle of CAs this API trusts for method {@code
 * certificate}. A client certificate that is not registered by its thumbprint is then accepted when
 * it chains to one of them and its subject DN or one of its subject alternative names is registered
 * for an app ({@code certificateSubject} / {@code certificateSan} of the admin API).
 */
public record ClientAuthPolicyConfig(
    @Size(min = 1, message = "must list at least one method")
        List<
                @Pattern(
                    regexp = "api-key|client-secret|oauth2|jwt|certificate",
                    message = "must be api-key, client-secret, oauth2, jwt or certificate")
                String>
            methods,
    @Pattern(regexp = HEADER_NAME, message = "must be a header name") String apiKeyHeader,
    @Pattern(regexp = "[A-Za-z0-9._~-]{1,64}", message = "must be a query parameter name")
        String apiKeyQueryParam,
    @Pattern(regexp = HEADER_NAME, message = "must be a header name") String clientIdHeader,
    @Pattern(regexp = HEADER_NAME, message = "must be a header name") String clientSecretHeader,
    @Valid ExternalJwt jwt,
    @Size(max = 100_000, message = "must be at most 100000 characters")
        String certificateAuthorities) {

  static final String HEADER_NAME = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}";
  public static final String API_KEY = "api-key";
  public static final String CLIENT_SECRET = "client-secret";
  public static final String OAUTH2 = "oauth2";
  public static final String JWT = "jwt";

  /**
   * A client certificate registered for the app, presented in the TLS handshake at the edge
   * (README, "TLS at the edge"). Alone in {@code methods}: the API requires one; with others: a
   * presented certificate is used, else the other methods.
   */
  public static final String CERTIFICATE = "certificate";

  public ClientAuthPolicyConfig(
      List<String> methods,
      String apiKeyHeader,
      String apiKeyQueryParam,
      String clientIdHeader,
      String clientSecretHeader,
      ExternalJwt jwt) {
    this(methods, apiKeyHeader, apiKeyQueryParam, clientIdHeader, clientSecretHeader, jwt, null);
  }

  @jakarta.json.bind.annotation.JsonbCreator
  public ClientAuthPolicyConfig {
    methods = methods == null ? List.of(API_KEY, CLIENT_SECRET) : List.copyOf(methods);
    apiKeyHeader = apiKeyHeader == null ? "X-API-Key" : apiKeyHeader;
    clientIdHeader = clientIdHeader == null ? "X-Client-Id" : clientIdHeader;
    clientSecretHeader = clientSecretHeader == null ? "X-Client-Secret" : clientSecretHeader;
  }

  /**
   * An external identity provider whose end-user tokens the API accepts (method {@code jwt}).
   *
   * @param issuer the exact {@code iss} of its tokens
   * @param jwksUrl where its public keys are; the only place keys are fetched from
   * @param audiences at least one must be in a token's {@code aud}
   * @param algorithms allowed JWS algorithms (default RS256 and ES256; never HMAC or none)
   * @param appClaims the claims that name the app's client id, first present wins (default {@code
   *     azp}, then {@code client_id})
   * @param type the {@code typ} tokens must have (e.g. {@code at+jwt}), or unset for any
   * @param clockSkewSeconds allowed clock difference for {@code exp} and {@code nbf} (default 30)
   * @param jwksRefreshSeconds how long a fetched key set is used before it is fetched again
   *     (default 900)
   * @param unknownKidRefetchSeconds at most one refetch per this interval for tokens naming a
   *     {@code kid} the set does not hold (default 60)
   * @param allowHttp allow an {@code http://} key-set URL to a host other than the loopback
   *     (default false: anyone on the path could swap the keys; set it only where the network adds
   *     its own protection, e.g. a mesh whose sidecars use mTLS)
   * @param appClientIdPrefix prepended to the claim's value to form the app's client id (unset:
   *     none). With a prefix per provider, a provider can only name apps registered for it, not
   *     every app of the gateway
   */
  public record ExternalJwt(
      @NotNull(message = "is required")
          @Size(min = 1, max = 500, message = "must be 1 to 500 characters")
          String issuer,
      @NotNull(message = "is required")
          @Size(max = 2000, message = "must be at most 2000 characters")
          @Pattern(regexp = "https?://[^\\s]+", message = "must be an http or https URL")
          String jwksUrl,
      @NotNull(message = "is required")
          @Size(min = 1, max = 20, message = "must list 1 to 20 audiences")
          List<@NotBlank(message = "must not be blank") String> audiences,
      @Size(min = 1, message = "must list at least one algorithm")
          List<
                  @Pattern(
                      regexp = "RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512",
                      message =
                          "must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256,"
                              + " ES384, ES512")
                  String>
              algorithms,
      @Size(min = 1, max = 10, message = "must list 1 to 10 claims")
          List<@Pattern(regexp = "[A-Za-z0-9_.:-]{1,64}", message = "must be a claim name") String>
              appClaims,
      @Pattern(regexp = "[A-Za-z0-9.+/-]{1,64}", message = "must be a media type name") String type,
      @Min(value = 0, message = "must be 0 to 300") @Max(value = 300, message = "must be 0 to 300")
          Integer clockSkewSeconds,
      @Min(value = 10, message = "must be 10 to 86400")
          @Max(value = 86400, message = "must be 10 to 86400")
          Integer jwksRefreshSeconds,
      @Min(value = 1, message = "must be 1 to 3600")
          @Max(value = 3600, message = "must be 1 to 3600")
          Integer unknownKidRefetchSeconds,
      Boolean allowHttp,
      @Pattern(regexp = "[A-Za-z0-9._:-]{1,64}", message = "must be 1 to 64 of A-Z a-z 0-9 . _ : -")
          String appClientIdPrefix) {

    public ExternalJwt {
      audiences = audiences == null ? null : List.copyOf(audiences);
      algorithms = algorithms == null ? List.of("RS256", "ES256") : List.copyOf(algorithms);
      appClaims = appClaims == null ? List.of("azp", "client_id") : List.copyOf(appClaims);
      clockSkewSeconds = clockSkewSeconds == null ? 30 : clockSkewSeconds;
      jwksRefreshSeconds = jwksRefreshSeconds == null ? 900 : jwksRefreshSeconds;
      unknownKidRefetchSeconds = unknownKidRefetchSeconds == null ? 60 : unknownKidRefetchSeconds;
      allowHttp = allowHttp != null && allowHttp;
    }
  }
}
