package io.meshgate.admin.policies;

import io.meshgate.admin.security.AdminCaller;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.chain.PolicyRegistry;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /admin/v1/policies}: every policy an API step may name, sorted by id, with the JSON
 * Schema of its config ({@link ConfigSchema}), from which the admin console builds each step's
 * settings form: {@code {"policies": [{"id": "access-list", "schema": {...}}, ...]}}.
 */
@RequestScoped
@RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
@Path("admin/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {
  @Inject PolicyRegistry registry;

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public JsonObject list() {
    JsonArrayBuilder policies = Json.createArrayBuilder();
    for (String id : registry.ids()) { // a sorted copy
      PolicyFactory<?> factory = registry.find(id).orElseThrow();
      policies.add(
          Json.createObjectBuilder()
              .add("id", id)
              .add("schema", ConfigSchema.of(factory.configType())));
    }
    return Json.createObjectBuilder().add("policies", policies).build();
  }
}
