/**
 * Analytics of API calls without an external monitoring system: every replica counts each call
 * ({@link io.meshgate.telemetry.CallRecord}) into per-minute roll-ups per API, plan, app and status
 * (calls, errors and a latency histogram), writes the minutes that ended to the database under its
 * own replica id, and {@code GET /admin/v1/analytics} answers from the rows of all replicas,
 * summed, with percentiles from the merged histograms.
 */
package io.meshgate.analytics;
