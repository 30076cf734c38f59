package io.meshgate.admin.security;

import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Set;

/** The authenticated admin caller: subject and groups; exposed as the JAX-RS security context. */
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

  public SecurityContext asSecurityContext(boolean secure) {
    AdminCaller caller = this;
    return new SecurityContext() {
      @Override
      public Principal getUserPrincipal() {
        return caller;
      }

      @Override
      public boolean isUserInRole(String role) {
        return caller.groups.contains(role);
      }

      @Override
      public boolean isSecure() {
        return secure;
      }

      @Override
      public String getAuthenticationScheme() {
        return "Bearer";
      }
    };
  }
}
