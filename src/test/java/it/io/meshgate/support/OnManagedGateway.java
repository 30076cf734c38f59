package it.io.meshgate.support;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of every integration test class that uses the suite's shared gateway: Arquillian runs
 * the class, starts the managed Liberty server before the suite's first class, and deploys the WAR
 * Maven built ({@link ManagedGateway}). A subclass reaches the server through {@code
 * ManagedGateway}, {@link Gateways#get()} or {@code @ArquillianResource URL base}.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class OnManagedGateway {
  /** The deployment: the product's WAR at context root {@code /}. */
  @Deployment(testable = false)
  public static WebArchive gateway() {
    return ManagedGateway.war();
  }
}
