/** The OpenAPI document of the admin API and its UI, served on the admin port only. */
package io.meshgate.openapi;
