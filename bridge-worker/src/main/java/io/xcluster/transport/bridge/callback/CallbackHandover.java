package io.xcluster.transport.bridge.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.temporal.api.common.v1.Callback;
import io.temporal.api.enums.v1.CallbackState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.workflow.v1.CallbackInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.OnConflictOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.remote.RemoteOutcomes;
import io.xcluster.port.remote.RemoteRuns;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The callback mode's side of the call activity: starts the call's remote run (or attaches to the
 * running one) with a completion callback to the bridge's endpoint, carrying a token bound to the
 * call; the bridge then holds nothing. A run that has already ended is answered from its outcome at
 * once: the target refuses to attach a callback to a closed run.
 */
public final class CallbackHandover {

  /** Answers an open call this cheaply: the activity then returns without holding anything. */
  public static final Optional<CallOutcome> HANDED_OVER = Optional.empty();

  public static final String REMOTE_UNAVAILABLE = "RemoteUnavailable";

  /**
   * Callback states in which the target will still call: a callback in one of them needs no twin.
   */
  private static final Set<CallbackState> LIVE_STATES =
      Set.of(
          CallbackState.CALLBACK_STATE_STANDBY,
          CallbackState.CALLBACK_STATE_SCHEDULED,
          CallbackState.CALLBACK_STATE_BACKING_OFF);

  private final RemoteRuns remote;
  private final CallbackSettings settings;
  private final CallbackToken tokens;
  private final Clock clock;
  private final OpenTelemetry openTelemetry;

  /**
   * @param openTelemetry whose propagator puts the call's trace context into the callback's
   *     headers, so that the outcome's delivery joins the order's trace
   */
  public CallbackHandover(
      RemoteRuns remote, CallbackSettings settings, Clock clock, OpenTelemetry openTelemetry) {
    this.remote = remote;
    this.settings = settings;
    this.tokens = new CallbackToken(settings.key());
    this.clock = clock;
    this.openTelemetry = openTelemetry;
  }

  /**
   * The target cluster refused a start with a callback, e.g. its allowedAddresses do not list the
   * bridge.
   */
  public static final class CallbacksRefused extends RuntimeException {
    CallbacksRefused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * {@link #HANDED_OVER} once the call's run will report its end to the endpoint, or the run's
   * outcome if it has already ended.
   *
   * @throws CallbacksRefused if the target does not accept the callback (the caller then holds the
   *     call instead)
   */
  public Optional<CallOutcome> handOver(CallRequest request) {
    // The common case in one round trip to the target: a call whose run nobody started yet is
    // started with its callback (FAIL on a running run, REJECT_DUPLICATE on a closed one). Reading
    // first cost every call a second round trip across the WAN (2.8 round trips per call with the
    // bridge in the calling region, against 1.5 without).
    if (startWithCallback(
        request,
        options ->
            options.setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL))) {
      return HANDED_OVER;
    }
    // The run exists (a retry, the hourly backstop, the order asked again). A run that still has a
    // live callback here needs no other, so one closing run is not reported once per hour it ran.
    Optional<DescribeWorkflowExecutionResponse> existing = describe(request);
    if (existing.isPresent() && !isRunning(existing.get())) {
      return Optional.of(outcomeOfClosedRun(request));
    }
    if (existing.isPresent() && hasLiveCallbackToUs(existing.get().getCallbacksList())) {
      return HANDED_OVER;
    }
    boolean startedOrAttached =
        startWithCallback(
            request,
            options ->
                options
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .setOnConflictOptions(
                        OnConflictOptions.newBuilder()
                            .setAttachCompletionCallbacks(true)
                            .setAttachRequestId(true)
                            .build()));
    // Refused as a duplicate of a run that closed since the read: the target attaches nothing
    // to a closed run, so answer with its outcome now rather than wait for a callback that never
    // comes.
    return startedOrAttached ? HANDED_OVER : Optional.of(outcomeOfClosedRun(request));
  }

  /**
   * Starts the call's run with its callback to us, {@code policy} deciding what an existing run
   * means; false when the target refused it as a duplicate.
   */
  private boolean startWithCallback(
      CallRequest request, UnaryOperator<WorkflowOptions.Builder> policy) {
    try {
      return remote.start(
          request,
          options -> policy.apply(options).setCompletionCallbacks(List.of(callbackFor(request))));
    } catch (WorkflowServiceException e) {
      if (isRefusedCallback(e)) {
        throw new CallbacksRefused(
            "the target cluster refused a completion callback to "
                + settings.url()
                + ": "
                + rootMessage(e),
            e);
      }
      throw e;
    }
  }

  private static boolean isRunning(DescribeWorkflowExecutionResponse description) {
    return description.getWorkflowExecutionInfo().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  private Callback callbackFor(CallRequest request) {
    String callId = request.callId().value();
    Map<String, String> traceHeaders = new HashMap<>();
    openTelemetry
        .getPropagators()
        .getTextMapPropagator()
        .inject(Context.current(), traceHeaders, Map::put);
    return Callback.newBuilder()
        .setNexus(
            Callback.Nexus.newBuilder()
                .setUrl(settings.url().toString())
                .putAllHeader(traceHeaders)
                .putHeader(CallbackEndpoint.CALL_ID_HEADER, callId)
                .putHeader(
                    CallbackToken.HEADER,
                    tokens.issue(
                        callId,
                        clock
                            .instant()
                            .plus(request.target().executionTimeout())
                            .plus(settings.tokenGrace()))))
        .build();
  }

  private boolean hasLiveCallbackToUs(List<CallbackInfo> callbacks) {
    String url = settings.url().toString();
    return callbacks.stream()
        .anyMatch(
            c ->
                url.equals(c.getCallback().getNexus().getUrl())
                    && LIVE_STATES.contains(c.getState()));
  }

  private Optional<DescribeWorkflowExecutionResponse> describe(CallRequest request) {
    try {
      return Optional.of(remote.attach(request).describe().getRawDescription());
    } catch (WorkflowNotFoundException notStarted) {
      return Optional.empty();
    }
  }

  private CallOutcome outcomeOfClosedRun(CallRequest request) {
    Throwable error = null;
    JsonNode result = null;
    try {
      result = remote.attach(request).getResult(10, TimeUnit.SECONDS, JsonNode.class);
    } catch (TimeoutException | RuntimeException e) {
      error = e;
    }
    Throwable cause = error;
    return RemoteOutcomes.translate(result, error)
        .orElseThrow(
            () ->
                ApplicationFailure.newFailure(
                    "cannot read the outcome of remote run "
                        + request.callId()
                        + ": "
                        + (cause == null ? "" : RemoteOutcomes.unwrap(cause)),
                    REMOTE_UNAVAILABLE));
  }

  private static boolean isRefusedCallback(WorkflowServiceException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          && String.valueOf(status.getStatus().getDescription())
              .toLowerCase(java.util.Locale.ROOT)
              .contains("callback")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
