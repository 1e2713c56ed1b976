package io.xcluster.localstack.bench;

import io.xcluster.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.port.spi.CallRoute;

/**
 * One benchmark fulfillment: in-cluster as a child ({@code route} null) or across clusters
 * through {@code route} to eu-west's {@code remoteTaskQueue}.
 */
public record ProbeRequest(CallRoute route, String remoteTaskQueue, FulfillmentRequest fulfillment) {}
