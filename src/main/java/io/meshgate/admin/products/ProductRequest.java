package io.meshgate.admin.products;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A product as an admin writes it. Its plans are managed under {@code products/{id}/plans}.
 *
 * @param name stable name, sent to the mesh as {@code x-api-product}
 * @param title for people; defaults to the name
 * @param apis ids of the APIs it bundles
 */
public record ProductRequest(
    @NotBlank(message = "must not be blank")
        @Pattern(
            regexp = "[A-Za-z0-9._-]{1,100}",
            message = "must be 1 to 100 letters, digits, '.', '_' or '-'")
        String name,
    @Size(max = 200, message = "must be at most 200 characters") String title,
    @Size(max = 500, message = "must list at most 500 APIs")
        List<@NotNull(message = "must not be null") Long> apis) {}
