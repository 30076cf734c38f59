/**
 * Policy {@code headers}: what the mesh routes and trusts on. Sets {@code Authorization: Bearer
 * <gateway JWT>}, {@code x-client-id}, {@code x-client-plan} (the plan name, which Istio
 * VirtualServices route on), {@code x-api-product} and {@code x-request-id} (kept when the client
 * sent a well-formed one, else generated). Names come from {@code meshgate.headers.*}.
 *
 * <p>Reserved headers (these names, {@code x-meshgate-*}, {@code x-envoy-*}, {@code x-istio-*},
 * {@code x-forwarded-client-cert} and any configured extra) are stripped from every request before
 * any policy runs, in every spelling, whether or not an API has this step.
 *
 * <p>Config: none. Error keys: none.
 */
package io.meshgate.policy.headers;
