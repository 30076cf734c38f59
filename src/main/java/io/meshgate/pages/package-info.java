/**
 * The browser side of meshgate: the admin console ({@code /console/} on the admin port) and the
 * developer portal ({@code /portal/} on the data port). Their pages are static files under {@code
 * src/main/webapp}, served by {@link io.meshgate.pages.PageFiles} with a strict
 * Content-Security-Policy; everything they do goes through JSON APIs (the admin API for the
 * console, the portal API for the portal), never through a back door of their own.
 */
package io.meshgate.pages;
