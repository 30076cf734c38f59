package io.meshgate;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** JAX-RS root: every path of the data port, the catch-all gateway resource included. */
@ApplicationPath("/")
@org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition(
    info =
        @org.eclipse.microprofile.openapi.annotations.info.Info(
            title = "meshgate admin API",
            version = "v1",
            description =
                "Catalog management (APIs, products and plans, apps and credentials, subscriptions,"
                    + " audit) on the admin port, with a Bearer admin token from"
                    + " POST /admin/oauth2/token; and the OAuth 2.0 token endpoint for apps on the"
                    + " data port."))
public class MeshgateApplication extends Application {}
