/**
 * The developer portal's API ({@code /portal/api/}, data port): app developers sign in, browse the
 * published products, register their own apps, get their credentials, subscribe and see their
 * usage. A developer is known only by a signed session cookie ({@link
 * io.meshgate.portal.PortalSessions}); every change goes through the same use cases as the admin
 * API ({@code io.meshgate.admin.*}) and is audited with the actor {@code portal:<developer>}. A
 * developer reaches only apps whose owner is their own developer id: any other app is 404, exactly
 * like one that does not exist.
 *
 * <p>Error keys: {@code PORTAL_SIGN_IN_REQUIRED} (401: no valid session), {@code PORTAL_CSRF} (403:
 * a change without the session's CSRF token, or from another origin), {@code
 * PORTAL_SIGN_IN_UNAVAILABLE} (404: demo sign-in outside demo mode), {@code PORTAL_APP_LIMIT} (409:
 * the developer has {@code MESHGATE_PORTAL_MAX_APPS} apps), {@code PLAN_NOT_FOUND} (404: a plan of
 * no product the portal offers), and those of the admin use cases ({@code APP_NOT_FOUND}, {@code
 * APP_NAME_TAKEN}, {@code SUBSCRIPTION_EXISTS}, ...).
 */
package io.meshgate.portal;
