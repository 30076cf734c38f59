package io.meshgate.policy.clientauth;

import io.meshgate.chain.EndUser;
import io.meshgate.token.InvalidTokenException;
import java.util.Set;

/** Verifies a bearer token an API accepts and says whom it names. */
@FunctionalInterface
public interface BearerTokens {
  /** Accepts nothing: for APIs without {@code oauth2} or {@code jwt}. */
  BearerTokens NONE =
      token -> {
        throw new InvalidTokenException("bearer tokens are not accepted here");
      };

  /**
   * @throws InvalidTokenException with a reason safe to show the caller
   */
  Identity verify(String token);

  /**
   * Who a valid token names.
   *
   * @param clientId the client id of the app the token was issued to
   * @param scopes the token's scopes
   * @param endUser the person, for an external identity provider's end-user token; else {@code
   *     null}
   */
  record Identity(String clientId, Set<String> scopes, EndUser endUser) {
    public Identity {
      scopes = Set.copyOf(scopes);
    }
  }

  /** Tries {@code first}, then {@code second}; when both refuse, the more telling reason wins. */
  static BearerTokens either(BearerTokens first, BearerTokens second) {
    return token -> {
      try {
        return first.verify(token);
      } catch (InvalidTokenException firstRefusal) {
        try {
          return second.verify(token);
        } catch (InvalidTokenException secondRefusal) {
          // "unknown key" from one issuer only says the token is the other issuer's.
          return throwMoreTelling(firstRefusal, secondRefusal);
        }
      }
    };
  }

  private static Identity throwMoreTelling(InvalidTokenException a, InvalidTokenException b) {
    throw "unknown key".equals(b.getMessage()) ? a : b;
  }
}
