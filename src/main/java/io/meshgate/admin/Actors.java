package io.meshgate.admin;

import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** Who made an admin call, as the audit log records it. */
public final class Actors {
  /** Recorded when the request carries no authenticated principal. */
  public static final String ANONYMOUS = "anonymous";

  private Actors() {}

  /** The admin token's subject (the principal's name), or {@link #ANONYMOUS}. */
  public static String of(SecurityContext security) {
    Principal principal = security == null ? null : security.getUserPrincipal();
    String name = principal == null ? null : principal.getName();
    return name == null || name.isBlank() ? ANONYMOUS : name;
  }
}
