package io.meshgate.policy.clientauth;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Config of {@code client-auth}; omitted fields take the documented defaults. */
public record ClientAuthPolicyConfig(
    @Size(min = 1, message = "must list at least one method")
        List<
                @Pattern(
                    regexp = "api-key|client-secret|oauth2",
                    message = "must be api-key, client-secret or oauth2")
                String>
            methods,
    @Pattern(regexp = HEADER_NAME, message = "must be a header name") String apiKeyHeader,
    @Pattern(regexp = "[A-Za-z0-9._~-]{1,64}", message = "must be a query parameter name")
        String apiKeyQueryParam,
    @Pattern(regexp = HEADER_NAME, message = "must be a header name") String clientIdHeader,
    @Pattern(regexp = HEADER_NAME, message = "must be a header name") String clientSecretHeader) {

  static final String HEADER_NAME = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}";
  public static final String API_KEY = "api-key";
  public static final String CLIENT_SECRET = "client-secret";
  public static final String OAUTH2 = "oauth2";

  public ClientAuthPolicyConfig {
    methods = methods == null ? List.of(API_KEY, CLIENT_SECRET) : List.copyOf(methods);
    apiKeyHeader = apiKeyHeader == null ? "X-API-Key" : apiKeyHeader;
    clientIdHeader = clientIdHeader == null ? "X-Client-Id" : clientIdHeader;
    clientSecretHeader = clientSecretHeader == null ? "X-Client-Secret" : clientSecretHeader;
  }
}
