package io.meshgate.telemetry;

/**
 * Receives every finished API call. Implementations are CDI beans; {@link CallTelemetry} hands each
 * call to all of them on the request thread after the answer was written, so they must be quick,
 * must not block and must never throw.
 */
public interface CallSink {
  void accept(CallRecord call);
}
