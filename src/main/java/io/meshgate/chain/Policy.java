package io.meshgate.chain;

/**
 * One step of an API's chain. Implementations are immutable, built once from a validated config
 * record by a {@link PolicyFactory}, and shared by all requests; per-request state lives only in
 * the {@link ExchangeContext}.
 */
public interface Policy {

  /** When this policy runs. */
  PolicyStage stage();

  /**
   * Decides on the request. Must not throw for expected outcomes (bad credential, limit hit): those
   * are {@link PolicyResult.Reject}s.
   */
  PolicyResult onRequest(ExchangeContext exchange);
}
