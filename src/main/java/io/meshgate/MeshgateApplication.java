package io.meshgate;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** JAX-RS root: every path of the data port, the catch-all gateway resource included. */
@ApplicationPath("/")
public class MeshgateApplication extends Application {}
