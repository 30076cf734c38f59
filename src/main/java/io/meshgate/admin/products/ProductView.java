package io.meshgate.admin.products;

import java.time.Instant;
import java.util.List;

/** A product as the admin API shows it: the ids of its APIs and its plans. */
public record ProductView(
    long id, String name, String title, List<Long> apis, List<PlanView> plans, Instant createdAt) {}
