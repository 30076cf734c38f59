/** The gateway's metrics and their endpoint on the admin port. */
package io.meshgate.metrics;
