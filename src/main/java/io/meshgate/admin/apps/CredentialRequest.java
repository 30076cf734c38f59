package io.meshgate.admin.apps;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** A new API key for an app: optional expiry and label. Send {@code {}} for neither. */
public record CredentialRequest(
    @Future(message = "must be in the future") Instant expiresAt,
    @Size(max = 200, message = "must be at most 200 characters") String label) {}
