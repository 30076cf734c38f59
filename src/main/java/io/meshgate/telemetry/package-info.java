/**
 * Telemetry of API calls: one {@link io.meshgate.telemetry.CallRecord} per call feeds the access
 * log, the OpenTelemetry metrics and traces, and the analytics roll-ups.
 */
package io.meshgate.telemetry;
