package io.xcluster.bench;

import io.xcluster.port.spi.CallRoute;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;

/**
 * One benchmark fulfillment: as a child, as a Nexus operation, or across clusters through {@code
 * route} (null otherwise) to eu-west's {@code remoteTaskQueue}.
 */
public record ProbeRequest(
    ProbeVia via, CallRoute route, String remoteTaskQueue, FulfillmentRequest fulfillment) {}
