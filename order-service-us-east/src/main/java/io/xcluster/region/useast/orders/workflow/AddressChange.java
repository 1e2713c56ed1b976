package io.xcluster.region.useast.orders.workflow;

/**
 * A customer's request to change an open order's delivery address.
 *
 * @param requestId the request's own id (the HTTP {@code Idempotency-Key}): the same id changes the
 *     address once, however often it is sent
 */
public record AddressChange(String requestId, DeliveryAddress address) {}
