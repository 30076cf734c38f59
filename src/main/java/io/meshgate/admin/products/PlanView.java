package io.meshgate.admin.products;

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
    PlanRequest.RateLimit rateLimit,
    PlanRequest.Burst burst,
    PlanRequest.Quota quota,
    String onLimiterError) {}
