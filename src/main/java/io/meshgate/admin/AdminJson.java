package io.meshgate.admin;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * JSON-B for the admin API's responses (and audit before/after values). Request bodies are not read
 * with it: {@link AdminBodyReader} reads them, with strict JSON types. Scoped by type: for any
 * class outside {@code io.meshgate.admin} it returns {@code null}, and the runtime uses its default
 * JSON-B, so other resources are unaffected.
 */
@Provider
public class AdminJson implements ContextResolver<Jsonb> {
  private static final String ADMIN_PACKAGE = "io.meshgate.admin.";

  /** Shared, thread-safe. Also used to render audit before/after values. */
  public static final Jsonb JSONB =
      JsonbBuilder.create(new JsonbConfig().setProperty("jsonb.fail-on-unknown-properties", true));

  @Override
  public Jsonb getContext(Class<?> type) {
    return type != null && type.getName().startsWith(ADMIN_PACKAGE) ? JSONB : null;
  }
}
