package io.xcluster.localstack.bench;

import io.xcluster.fulfillment.workflow.FulfillmentRequest;

/** One benchmark fulfillment: how to reach it, on which remote queue, and what to fulfil. */
public record ProbeRequest(ProbeVariant variant, String remoteTaskQueue, FulfillmentRequest fulfillment) {}
