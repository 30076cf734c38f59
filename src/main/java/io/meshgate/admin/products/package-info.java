/**
 * Admin resources for products and their plans: {@code /admin/v1/products} and {@code
 * /admin/v1/products/{id}/plans}.
 *
 * <p>Error keys: {@code PRODUCT_NOT_FOUND}, {@code PLAN_NOT_FOUND} (404); {@code
 * PRODUCT_NAME_TAKEN}, {@code PLAN_NAME_TAKEN}, {@code PRODUCT_IN_USE}, {@code PLAN_IN_USE} (409:
 * subscriptions still refer to it, or a subscribed plan's routing name would change); {@code
 * VALIDATION_FAILED} (400, e.g. {@code rateLimit.limit}, {@code apis[0]} naming an unknown API).
 */
package io.meshgate.admin.products;
