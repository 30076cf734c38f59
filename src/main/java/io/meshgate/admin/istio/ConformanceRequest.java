package io.meshgate.admin.istio;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What the mesh conformance self-test runs against.
 *
 * @param api the API whose destination is tested: its audience, its plans and the versions they
 *     route to come from the catalog
 * @param url where to send the requests; default: the API's upstream URL (as the gateway reaches
 *     it)
 * @param versionHeader the response header that names the version that answered
 * @param versionField or the JSON field (dotted path) of the response body that names it
 */
public record ConformanceRequest(
    @NotBlank(message = "must not be blank")
        @Size(max = 100, message = "must be at most 100 characters")
        String api,
    @Size(max = 2000, message = "must be at most 2000 characters")
        @Pattern(
            regexp = "(?i)https?://[^\\s/?#@]+(/[^\\s#]*)?",
            message = "must be an absolute http or https URL without fragment")
        String url,
    @Pattern(regexp = "[A-Za-z0-9-]{1,100}", message = "must be a header name")
        String versionHeader,
    @Pattern(
            regexp = "[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9_-]{1,100}){0,9}",
            message = "must be a JSON field or a dotted path of fields")
        String versionField) {}
