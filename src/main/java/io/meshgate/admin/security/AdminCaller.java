package io.meshgate.admin.security;

import java.security.Principal;
import java.util.Set;

/** An admin token's caller: subject and groups (the roles of {@code @RolesAllowed}). */
public record AdminCaller(String subject, Set<String> groups) implements Principal {
  public static final String ADMIN = "meshgate-admin";
  public static final String VIEWER = "meshgate-viewer";

  public AdminCaller {
    groups = Set.copyOf(groups);
  }

  @Override
  public String getName() {
    return subject;
  }

  public boolean canWrite() {
    return groups.contains(ADMIN);
  }

  public boolean canRead() {
    return groups.contains(ADMIN) || groups.contains(VIEWER);
  }
}
