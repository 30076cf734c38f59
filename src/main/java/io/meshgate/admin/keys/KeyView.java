package io.meshgate.admin.keys;

import java.time.Instant;

/**
 * A signing key as the admin API shows it: public facts only.
 *
 * @param state the effective state now: {@code staged}, {@code published}, {@code active}, {@code
 *     retiring} or {@code retired}
 * @param activatesAt when it starts (or started) signing; null when not scheduled
 * @param retiresAt when it leaves the JWKS; known once a successor is scheduled
 */
public record KeyView(
    String kid,
    String alg,
    String state,
    Instant createdAt,
    Instant publishedAt,
    Instant activatesAt,
    Instant retiresAt) {}
