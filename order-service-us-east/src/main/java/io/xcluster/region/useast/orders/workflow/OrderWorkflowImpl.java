package io.xcluster.region.useast.orders.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.workflow.CrossClusterClient;
import io.xcluster.region.useast.orders.notification.NotificationActivities;
import io.xcluster.region.useast.orders.payment.PaymentActivities;
import io.xcluster.region.useast.orders.payment.PaymentCharge;
import io.xcluster.region.useast.orders.payment.PaymentReceipt;
import io.xcluster.region.useast.orders.payment.PaymentRefund;
import java.time.Duration;
import java.util.List;

public final class OrderWorkflowImpl implements OrderWorkflow {

  /** Version marker of the change that records the transport when the order is placed. */
  static final String ROUTE_CHOSEN_AT_PLACEMENT = "route-chosen-at-placement";

  /** Version marker of the order rules the API applies at the door (text, bounds, destination). */
  static final String ORDER_RULES_AT_THE_DOOR = "order-rules-at-the-door";

  private final PaymentActivities payments =
      OrderActivityTimeouts.TABLE.stub(PaymentActivities.class);
  private final NotificationActivities notifications =
      OrderActivityTimeouts.TABLE.stub(NotificationActivities.class);
  private final OrderWorkflowSettings settings;
  private final CrossClusterClient crossCluster;

  private OrderStatus status;
  private PaymentReceipt receipt;
  private Promise<CallOutcome> fulfillment;

  public OrderWorkflowImpl(OrderWorkflowSettings settings) {
    this.settings = settings;
    this.crossCluster = new CrossClusterClient(settings.sourceCluster(), settings::route);
  }

  @Override
  public OrderStatus placeOrder(Order order) {
    status = OrderStatus.received(order.orderId());
    // orders started before the stricter rules replay with the rules they were accepted under
    List<String> problems =
        Workflow.getVersion(ORDER_RULES_AT_THE_DOOR, Workflow.DEFAULT_VERSION, 1) >= 1
            ? order.problems()
            : order.problemsBeforeDoorRules();
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid order: " + String.join("; ", problems), INVALID_ORDER);
    }
    if (Workflow.getVersion(ROUTE_CHOSEN_AT_PLACEMENT, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // The transport is chosen when the order is placed, not when fulfillment is requested: an
      // order placed before the flag flips goes through the transport it was placed under.
      // (Executions from before this change chose at the call; replay keeps them that way.)
      status = status.withTransport(crossCluster.route().transport());
    }
    try {
      return process(order);
    } catch (RuntimeException e) {
      if (!CancellationScope.current().isCancelRequested()) {
        throw e;
      }
      // Canceled, wherever it hit us: compensate outside the canceled scope, then end canceled.
      // (Temporal closes a cancel-requested workflow as CANCELED whatever it returns, so the
      // status query is where a parcel that shipped anyway shows up as COMPLETED.)
      Workflow.newDetachedCancellationScope(this::compensateCancellation).run();
      // an address change still waiting for its verdict gets it before the order ends canceled
      Workflow.newDetachedCancellationScope(() -> Workflow.await(Workflow::isEveryHandlerFinished))
          .run();
      throw e instanceof CanceledFailure canceled
          ? canceled
          : new CanceledFailure("order canceled");
    }
  }

  @Override
  public OrderStatus status() {
    return status.live(
        crossCluster.waiting(FULFILLMENT_OPERATION).orElse(null),
        crossCluster.progress(FULFILLMENT_OPERATION, FulfillmentProgress.class).orElse(null));
  }

  @Override
  public void validateAddressChange(AddressChange change) {
    if (change == null || change.address() == null) {
      throw ApplicationFailure.newFailure("an address change needs an address", INVALID_ADDRESS);
    }
    if (change.requestId() == null || change.requestId().isBlank()) {
      throw ApplicationFailure.newFailure("an address change needs a request id", INVALID_ADDRESS);
    }
    List<String> problems = change.address().problems();
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newFailure(
          "invalid address: " + String.join("; ", problems), INVALID_ADDRESS);
    }
    if (fulfillment == null || fulfillment.isCompleted()) {
      throw ApplicationFailure.newFailure(
          "order "
              + status.orderId()
              + " is "
              + status.state()
              + ": it has no open fulfillment whose address could change",
          ORDER_NOT_FULFILLING);
    }
  }

  @Override
  public AddressChangeResult changeDeliveryAddress(AddressChange change) {
    UpdateVerdict verdict;
    try {
      verdict =
          crossCluster
              .forwardUpdate(
                  FULFILLMENT_OPERATION,
                  FULFILLMENT_ADDRESS_UPDATE,
                  change.requestId(),
                  change.address())
              .get();
    } catch (ActivityFailure transportGaveUp) {
      if (transportGaveUp.getCause() instanceof CanceledFailure) {
        return AddressChangeResult.rejected(
            ORDER_NOT_FULFILLING,
            "order " + status.orderId() + " was canceled before eu-west's verdict on the change",
            change.address());
      }
      // not eu-west's verdict: the customer learns the change did not get through, not a refusal
      return AddressChangeResult.rejected(
          FULFILLMENT_UNREACHABLE, reasonOf(transportGaveUp), change.address());
    }
    return verdict.accepted()
        ? AddressChangeResult.accepted(verdict.resultAs(DeliveryAddress.class), change.address())
        : AddressChangeResult.rejected(verdict.rejectionType(), verdict.reason(), change.address());
  }

  private OrderStatus process(Order order) {
    status = status.withState(OrderState.CHARGING_PAYMENT);
    try {
      // keyed by the order id, not the run: a second run of this order gets the first receipt
      receipt =
          payments.charge(
              PaymentCharge.forOrder(
                  order.orderId(), order.customerId(), order.amountCents(), order.currency()));
    } catch (ActivityFailure declined) {
      if (CancellationScope.current().isCancelRequested()) {
        throw declined;
      }
      status = status.failed("payment: " + reasonOf(declined));
      return status;
    }

    status = status.withState(OrderState.FULFILLING);
    Duration fulfillmentTimeout = Workflow.sideEffect(Duration.class, settings::fulfillmentTimeout);
    fulfillment =
        crossCluster.call(
            FULFILLMENT_OPERATION,
            settings.fulfillment(),
            new FulfillmentOrder(order.orderId(), order.lines(), order.destinationCountry()));
    status = status.withTransport(crossCluster.route().transport());

    if (!Workflow.await(fulfillmentTimeout, fulfillment::isCompleted)) {
      status = status.withState(OrderState.ESCALATED);
      notifications.escalate(
          order.orderId(),
          "no fulfillment outcome from "
              + settings.fulfillment().cluster()
              + " within "
              + fulfillmentTimeout);
      // keep waiting: the remote run's own execution timeout guarantees an outcome eventually
      Workflow.await(fulfillment::isCompleted);
    }
    OrderStatus settled = settle(order.orderId(), outcomeOrTransportFailure());
    if (!Workflow.isEveryHandlerFinished()) {
      // an address change still waiting for eu-west's verdict gets it before the order ends
      // (never true in histories from before address changes: they replay as they ran)
      Workflow.await(Workflow::isEveryHandlerFinished);
    }
    return settled;
  }

  private OrderStatus settle(String orderId, CallOutcome outcome) {
    if (outcome.isCompleted()) {
      ShipmentNotice shipment = outcome.resultOrThrow(ShipmentNotice.class);
      notifications.sendShippingConfirmation(
          orderId, shipment.carrier(), shipment.trackingNumber());
      status = status.shipped(shipment.carrier(), shipment.trackingNumber());
      return status;
    }
    String reason = "fulfillment " + outcome.describe();
    payments.refund(PaymentRefund.of(receipt, reason));
    status = status.failed(reason);
    return status;
  }

  /**
   * The fulfillment outcome; a call the transport gave up on (a deployment error) counts as FAILED.
   */
  private CallOutcome outcomeOrTransportFailure() {
    try {
      return fulfillment.get();
    } catch (ActivityFailure transportGaveUp) {
      if (CancellationScope.current().isCancelRequested()) {
        throw transportGaveUp;
      }
      ApplicationFailure cause =
          transportGaveUp.getCause() instanceof ApplicationFailure application ? application : null;
      return CallOutcome.failed(
          cause == null ? "TransportFailure" : cause.getType(),
          cause == null ? transportGaveUp.getMessage() : cause.getOriginalMessage(),
          true);
    }
  }

  /**
   * Runs in a detached scope after a cancel: waits until the port confirms the remote fulfillment
   * ended (it cancels it), so that a parcel that shipped meanwhile is confirmed, not refunded.
   */
  private void compensateCancellation() {
    if (fulfillment != null) {
      CallOutcome outcome = outcomeOrTransportFailure();
      if (outcome.isCompleted()) {
        settle(status.orderId(), outcome);
        return;
      }
    }
    if (receipt != null) {
      payments.refund(PaymentRefund.of(receipt, "order canceled"));
    }
    status = status.withState(OrderState.CANCELED);
  }

  private static String reasonOf(ActivityFailure failure) {
    if (failure.getCause() instanceof ApplicationFailure cause) {
      return cause.getType() + ": " + cause.getOriginalMessage();
    }
    return failure.getMessage();
  }
}
