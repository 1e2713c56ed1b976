package io.xcluster.bench;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;

/**
 * Fulfillment as a Nexus service: what a team would expose to another namespace of the same
 * cluster.
 */
@Service
public interface FulfillmentNexusService {

  @Operation
  Shipment fulfil(FulfillmentRequest request);
}
