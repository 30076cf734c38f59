package io.meshgate.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The one clock of the server; tests build policies with a fixed clock instead. */
@ApplicationScoped
public class Clocks {
  @Produces
  Clock systemClock() {
    return Clock.systemUTC();
  }
}
