/** TLS material read from files: PEM certificates and keys, reloaded when the files change. */
package io.meshgate.support.tls;
