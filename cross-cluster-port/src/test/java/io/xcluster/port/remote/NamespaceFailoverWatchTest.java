package io.xcluster.port.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.remote.NamespaceFailoverWatch.Activation;
import io.xcluster.port.remote.NamespaceFailoverWatch.FailedOver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NamespaceFailoverWatchTest {

  private final AtomicReference<Object> answer =
      new AtomicReference<>(new Activation("eu-west-a", 1));
  private final List<FailedOver> seen = new ArrayList<>();
  private final NamespaceFailoverWatch watch =
      NamespaceFailoverWatch.manual(
          "fulfillment",
          () -> {
            Object now = answer.get();
            if (now instanceof RuntimeException unreachable) {
              throw unreachable;
            }
            return (Activation) now;
          },
          seen::add);

  @Test
  void theFirstAnswerIsTheBaselineNotAFailover() {
    watch.check();
    watch.check();
    assertTrue(seen.isEmpty());
    assertEquals(new Activation("eu-west-a", 1), watch.last());
  }

  @Test
  void aNewFailoverVersionIsToldOnceWithWhereItCameFrom() {
    watch.check();
    answer.set(new Activation("eu-west-b", 2));
    watch.check();
    watch.check();
    assertEquals(
        List.of(
            new FailedOver(
                "fulfillment", new Activation("eu-west-a", 1), new Activation("eu-west-b", 2))),
        seen);
    assertEquals(
        "namespace fulfillment failed over: active eu-west-a -> eu-west-b, failover version 1 -> 2",
        seen.get(0).describe());
  }

  @Test
  void aFailbackIsAFailoverToo() {
    watch.check();
    answer.set(new Activation("eu-west-b", 2));
    watch.check();
    answer.set(new Activation("eu-west-a", 101));
    watch.check();
    assertEquals(2, seen.size());
    assertEquals(new Activation("eu-west-a", 101), seen.get(1).to());
  }

  @Test
  void anUnreachableTargetKeepsTheLastAnswerAndTheNextOneComparesWithIt() {
    watch.check();
    answer.set(new IllegalStateException("UNAVAILABLE"));
    watch.check();
    assertEquals(new Activation("eu-west-a", 1), watch.last());
    answer.set(new Activation("eu-west-b", 2));
    watch.check();
    assertEquals(1, seen.size());
    assertEquals(new Activation("eu-west-a", 1), seen.get(0).from());
  }

  @Test
  void aFailoverWhoseReactionFailedIsToldAgainOnTheNextCheck() {
    List<FailedOver> told = new ArrayList<>();
    NamespaceFailoverWatch failingOnce =
        NamespaceFailoverWatch.manual(
            "fulfillment",
            () -> (Activation) answer.get(),
            failedOver -> {
              told.add(failedOver);
              if (told.size() == 1) {
                throw new IllegalStateException("bug");
              }
            });
    failingOnce.check();
    answer.set(new Activation("eu-west-b", 2));
    failingOnce.check();
    assertEquals(new Activation("eu-west-a", 1), failingOnce.last(), "baseline kept");
    failingOnce.check();
    assertEquals(2, told.size());
    assertEquals(told.get(0), told.get(1));
    assertEquals(new Activation("eu-west-b", 2), failingOnce.last());
  }

  @Test
  void aNamespaceThatIsNotGlobalNeverFailsOver() {
    answer.set(new Activation("", 0));
    watch.check();
    watch.check();
    assertTrue(seen.isEmpty());
  }
}
