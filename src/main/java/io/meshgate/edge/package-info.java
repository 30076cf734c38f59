/**
 * The TLS edge: meshgate's own HTTPS listener on {@code HTTPS_PORT}, in front of Liberty's HTTP
 * port. It terminates TLS with a certificate per SNI host name ({@link
 * io.meshgate.edge.EdgeCertificates}, re-read when the files change), takes client certificates
 * without judging them (each API's {@code client-auth} step does), speaks HTTP/1.1 and HTTP/2
 * (ALPN) with their own limits, and hands every request to Liberty's HTTP port over the loopback
 * ({@link io.meshgate.edge.EdgeExchange}). Liberty learns who the client is from {@link
 * io.meshgate.edge.EdgeClients}, keyed by the loopback connection's port, never from a header.
 */
package io.meshgate.edge;
