package io.xcluster.orders.workflow;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.xcluster.orders.notification.NotificationActivities;
import io.xcluster.orders.payment.PaymentActivities;
import io.xcluster.orders.payment.PaymentReceipt;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.workflow.CrossClusterClient;
import java.time.Duration;
import java.util.List;

public final class OrderWorkflowImpl implements OrderWorkflow {

  private static final ActivityOptions LOCAL_ACTIVITIES =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
          .build();

  private final PaymentActivities payments = Workflow.newActivityStub(PaymentActivities.class, LOCAL_ACTIVITIES);
  private final NotificationActivities notifications =
      Workflow.newActivityStub(NotificationActivities.class, LOCAL_ACTIVITIES);
  private final OrderWorkflowSettings settings;
  private final CrossClusterClient crossCluster;

  private OrderStatus status;

  public OrderWorkflowImpl(OrderWorkflowSettings settings) {
    this.settings = settings;
    this.crossCluster = new CrossClusterClient(settings.sourceCluster(), settings::route);
  }

  @Override
  public OrderStatus placeOrder(Order order) {
    status = OrderStatus.received(order.orderId());
    List<String> problems = order.problems();
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("invalid order: " + String.join("; ", problems), INVALID_ORDER);
    }

    status = status.withState(OrderState.CHARGING_PAYMENT);
    PaymentReceipt receipt;
    try {
      receipt = payments.charge(order.orderId(), order.customerId(), order.amountCents(), order.currency());
    } catch (ActivityFailure declined) {
      status = status.failed("payment: " + reasonOf(declined));
      return status;
    }

    status = status.withState(OrderState.FULFILLING);
    Duration fulfillmentTimeout = Workflow.sideEffect(Duration.class, settings::fulfillmentTimeout);
    Promise<CallOutcome> fulfillment =
        crossCluster.call(
            FULFILLMENT_OPERATION,
            settings.fulfillment(),
            new FulfillmentOrder(order.orderId(), order.lines(), order.destinationCountry()));
    status = status.withTransport(crossCluster.route().transport());

    try {
      if (!Workflow.await(fulfillmentTimeout, fulfillment::isCompleted)) {
        status = status.withState(OrderState.ESCALATED);
        notifications.escalate(
            order.orderId(), "no fulfillment outcome from " + settings.fulfillment().cluster() + " within " + fulfillmentTimeout);
        // keep waiting: the remote run's own execution timeout guarantees an outcome eventually
      }
      return settle(order, receipt, fulfillment.get());
    } catch (CanceledFailure canceled) {
      // The port cancels the remote workflow with this scope; wait until it confirms, outside the
      // canceled scope, so that a parcel that shipped in the meantime is not refunded.
      Workflow.newDetachedCancellationScope(() -> settleAfterCancel(order, receipt, fulfillment.get())).run();
      if (status.state() == OrderState.COMPLETED) {
        return status;
      }
      throw canceled;
    }
  }

  @Override
  public OrderStatus status() {
    return status;
  }

  private OrderStatus settle(Order order, PaymentReceipt receipt, CallOutcome outcome) {
    if (outcome.isCompleted()) {
      ShipmentNotice shipment = outcome.resultOrThrow(ShipmentNotice.class);
      notifications.sendShippingConfirmation(order.orderId(), shipment.carrier(), shipment.trackingNumber());
      status = status.shipped(shipment.carrier(), shipment.trackingNumber());
      return status;
    }
    String reason = "fulfillment " + outcome.describe();
    payments.refund(receipt, reason);
    status = status.failed(reason);
    return status;
  }

  private void settleAfterCancel(Order order, PaymentReceipt receipt, CallOutcome outcome) {
    if (outcome.isCompleted()) {
      settle(order, receipt, outcome);
      return;
    }
    payments.refund(receipt, "order canceled");
    status = status.withState(OrderState.CANCELED);
  }

  private static String reasonOf(ActivityFailure failure) {
    if (failure.getCause() instanceof ApplicationFailure cause) {
      return cause.getType() + ": " + cause.getOriginalMessage();
    }
    return failure.getMessage();
  }
}
