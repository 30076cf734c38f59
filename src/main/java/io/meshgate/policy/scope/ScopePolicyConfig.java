package io.meshgate.policy.scope;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Config of {@code scope}: which scopes each operation requires.
 *
 * @param operations the operations that need scopes; a call matching none needs none
 */
public record ScopePolicyConfig(
    @NotNull(message = "is required")
        @Size(min = 1, max = 200, message = "must list 1 to 200 operations")
        List<@NotNull(message = "must not be null") @Valid Operation> operations) {

  public ScopePolicyConfig {
    operations = operations == null ? null : List.copyOf(operations);
  }

  /**
   * @param method an HTTP method, or {@code *} for any; {@code GET} covers {@code HEAD} too
   * @param path a template below the API's base path: literal segments, {@code {name}} for any one
   *     segment, and a final {@code **} for any rest
   * @param scopes every one of these is required (RFC 6749 scope tokens)
   */
  public record Operation(
      @NotNull(message = "is required")
          @Pattern(
              regexp = "\\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS",
              message = "must be *, GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS")
          String method,
      @NotNull(message = "is required")
          @Size(max = 500, message = "must be at most 500 characters")
          @Pattern(regexp = "/.*", message = "must start with /")
          String path,
      @NotNull(message = "is required")
          @Size(min = 1, max = 20, message = "must list 1 to 20 scopes")
          List<
                  @NotNull(message = "must not be null")
                  @Pattern(
                      regexp = "[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}",
                      message = "must be a scope token (RFC 6749 §3.3), at most 128 characters")
                  String>
              scopes) {

    public Operation {
      scopes = scopes == null ? null : List.copyOf(scopes);
    }
  }
}
