package io.xcluster.region.useast.orders.worker;

import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.WorkerPollers;
import io.xcluster.region.useast.orders.notification.NotificationActivities;
import io.xcluster.region.useast.orders.payment.PaymentActivities;
import io.xcluster.region.useast.orders.workflow.OrderActivityTimeouts;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowImpl;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowSettings;
import java.util.List;
import java.util.function.Supplier;

/**
 * Registers us-east's workflow and activities on the {@code orders} queue of a connected cluster.
 */
public final class OrderServiceWorker {

  private OrderServiceWorker() {}

  /** Registers and starts the worker; the caller owns (and shuts down) the returned factory. */
  public static WorkerFactory start(
      ClusterConnection usEast,
      OrderWorkflowSettings settings,
      PaymentActivities payments,
      NotificationActivities notifications) {
    return start(usEast, () -> settings, payments, notifications);
  }

  /**
   * As above, with settings read anew for each workflow instance the worker creates (a
   * configuration reload); each execution records what it used, so changes affect new orders only.
   */
  public static WorkerFactory start(
      ClusterConnection usEast,
      Supplier<OrderWorkflowSettings> settings,
      PaymentActivities payments,
      NotificationActivities notifications) {
    return start(usEast, settings, payments, notifications, WorkerPollers.DEFAULT);
  }

  /** As above, with this many task polls open at once ({@link WorkerPollers}). */
  public static WorkerFactory start(
      ClusterConnection usEast,
      Supplier<OrderWorkflowSettings> settings,
      PaymentActivities payments,
      NotificationActivities notifications,
      WorkerPollers pollers) {
    WorkerFactory factory = usEast.newWorkerFactory();
    Worker worker = factory.newWorker(OrderWorkflow.TASK_QUEUE, pollers.workerOptions());
    worker.registerWorkflowImplementationFactory(
        OrderWorkflow.class, () -> new OrderWorkflowImpl(settings.get()));
    worker.registerActivitiesImplementations(activities(payments, notifications).toArray());
    factory.start();
    return factory;
  }

  /**
   * The activity implementations this worker registers; each has its stated timeouts in {@link
   * OrderActivityTimeouts}.
   */
  public static List<Object> activities(
      PaymentActivities payments, NotificationActivities notifications) {
    return List.of(payments, notifications);
  }
}
