package io.meshgate.admin.audit;

import jakarta.json.JsonValue;
import java.time.Instant;

/** An audit event as the admin API shows it; {@code before}/{@code after} as JSON values. */
public record AuditEventView(
    long id,
    Instant at,
    String actor,
    String operation,
    String entityType,
    String entityId,
    JsonValue before,
    JsonValue after) {}
