package io.meshgate.admin.products;

import io.meshgate.limit.LimitSpec;
import java.util.List;

/** A plan as the admin API shows it. Absent limits are {@code null} (omitted in JSON). */
public record PlanView(
    long id,
    long productId,
    String name,
    String title,
    boolean approvalRequired,
    List<String> scopes,
    int tokenTtlSeconds,
    LimitSpec.Rate rateLimit,
    LimitSpec.Burst burst,
    PlanRequest.Quota quota,
    String onLimiterError) {}
