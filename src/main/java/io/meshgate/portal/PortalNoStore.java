package io.meshgate.portal;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers of the portal API are per developer and may hold a secret shown once or the session's
 * CSRF token: no cache, shared or private, may keep them.
 */
@Provider
public class PortalNoStore implements ContainerResponseFilter {
  @Context ResourceInfo resource;

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Class<?> type = resource == null ? null : resource.getResourceClass();
    if (type != null && type.getPackage() == PortalNoStore.class.getPackage()) {
      response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
      response.getHeaders().add(HttpHeaders.VARY, "Cookie");
    }
  }
}
