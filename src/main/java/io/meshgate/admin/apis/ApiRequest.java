package io.meshgate.admin.apis;

import io.meshgate.catalog.api.MeshDestination;
import jakarta.json.JsonObject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * An API as an admin writes it (create and full update). Steps run in stage order, not list order;
 * each step's {@code config} is validated against its policy's config record on write.
 *
 * @param state {@code draft} (default), {@code published} or {@code retired}
 * @param mesh where the API lives in the mesh and how plans are routed there; optional, needed for
 *     the generated Istio resources
 */
public record ApiRequest(
    @NotBlank(message = "must not be blank")
        @Size(max = 100, message = "must be at most 100 characters")
        String name,
    @Pattern(regexp = VERSION, message = "must be 1 to 50 letters, digits, '.', '_' or '-'")
        String version,
    @NotNull(message = "is required")
        @Size(max = 400, message = "must be at most 400 characters")
        @Pattern(regexp = BASE_PATH, message = BASE_PATH_MESSAGE)
        String basePath,
    @NotNull(message = "is required")
        @Size(max = 2000, message = "must be at most 2000 characters")
        @Pattern(
            regexp = URL,
            message = "must be an absolute http or https URL without query or fragment")
        String upstreamUrl,
    @Size(max = 400, message = "must be at most 400 characters") String audience,
    @Min(value = 1, message = "must be at least 1")
        @Max(value = 600_000, message = "must be at most 600000")
        Integer readTimeoutMs,
    @Min(value = 1, message = "must be at least 1")
        @Max(value = 600_000, message = "must be at most 600000")
        Integer connectTimeoutMs,
    @Pattern(regexp = "draft|published|retired", message = "must be draft, published or retired")
        String state,
    @Size(max = 50, message = "must have at most 50 steps")
        List<@NotNull(message = "must not be null") @Valid Step> steps,
    @Valid MeshDestination mesh) {

  static final String VERSION = "[A-Za-z0-9._-]{1,50}";

  /**
   * "/" or segments of path characters; no empty, "." or ".." segment, no trailing "/", no ";" (the
   * gateway refuses every request path with one: see CanonicalPath).
   */
  static final String BASE_PATH = "/|(/(?!\\.{1,2}(/|$))[A-Za-z0-9._~!$&'()*+,=:@-]+)+";

  static final String BASE_PATH_MESSAGE =
      "must start with '/', must not end with '/' (unless it is \"/\"), and must not contain empty,"
          + " '.' or '..' segments or characters outside a URL path";

  static final String URL = "(?i)https?://[^\\s/?#@]+(/[^\\s?#]*)?";

  /**
   * One policy step.
   *
   * @param policy the policy id, e.g. {@code client-auth}
   * @param config the policy's config object; omitted means {@code {}}
   */
  public record Step(@NotBlank(message = "must not be blank") String policy, JsonObject config) {}
}
