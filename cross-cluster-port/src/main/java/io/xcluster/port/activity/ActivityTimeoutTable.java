package io.xcluster.port.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every activity a workflow schedules, each with its stated {@link ActivityTimeouts}. Stubs come
 * from here, so an activity method without a stated row fails loudly instead of running with
 * options nobody chose.
 */
public final class ActivityTimeoutTable {

  private final Map<String, ActivityTimeouts> byType = new LinkedHashMap<>();

  public ActivityTimeoutTable(ActivityTimeouts... rows) {
    for (ActivityTimeouts row : rows) {
      if (byType.putIfAbsent(row.activityType(), row) != null) {
        throw new IllegalArgumentException("activity " + row.activityType() + " is stated twice");
      }
    }
  }

  public Collection<ActivityTimeouts> rows() {
    return List.copyOf(byType.values());
  }

  /** The row of {@code activityType}; fails naming it when none is stated. */
  public ActivityTimeouts row(String activityType) {
    ActivityTimeouts row = byType.get(activityType);
    if (row == null) {
      throw new IllegalStateException(
          "activity " + activityType + " has no stated timeouts (see docs/activity-timeouts.md)");
    }
    return row;
  }

  /**
   * A workflow-side stub whose every method runs with its stated options; call from workflow code.
   */
  public <T> T stub(Class<T> activities) {
    List<String> types = activityTypes(activities);
    Map<String, ActivityOptions> options = new LinkedHashMap<>();
    for (String type : types) {
      options.put(type, row(type).options());
    }
    return Workflow.newActivityStub(activities, options.get(types.get(0)), options);
  }

  /**
   * What is wrong with this table for the given activity implementations (as a worker registers
   * them): activity types without a stated row, and rows whose lost attempt would go unnoticed
   * longer than {@link ActivityTimeouts#LONGEST_HEARTBEAT_TIMEOUT}. Empty when nothing is.
   */
  public List<String> problemsFor(Collection<?> implementations) {
    List<String> problems = new ArrayList<>();
    for (Object implementation : implementations) {
      for (Class<?> candidate : implementation.getClass().getInterfaces()) {
        if (candidate.isAnnotationPresent(ActivityInterface.class)) {
          activityTypes(candidate).stream()
              .filter(type -> !byType.containsKey(type))
              .forEach(type -> problems.add(type + " has no stated timeouts"));
        }
      }
    }
    for (ActivityTimeouts row : byType.values()) {
      if (row.lostAttemptNoticedWithin().compareTo(ActivityTimeouts.LONGEST_HEARTBEAT_TIMEOUT)
          > 0) {
        problems.add(
            row.activityType()
                + ": a lost attempt goes unnoticed for "
                + row.lostAttemptNoticedWithin());
      }
    }
    return problems;
  }

  /** The rows a document (docs/activity-timeouts.md) lacks or shows otherwise than stated here. */
  public List<String> rowsMissingFrom(String document) {
    return byType.values().stream()
        .map(ActivityTimeouts::markdownRow)
        .filter(row -> !document.contains(row))
        .toList();
  }

  /** The activity type names of an {@code @ActivityInterface}, as the SDK registers them. */
  public static List<String> activityTypes(Class<?> activities) {
    ActivityInterface marker = activities.getAnnotation(ActivityInterface.class);
    if (marker == null) {
      throw new IllegalArgumentException(activities.getName() + " is not an @ActivityInterface");
    }
    List<String> types = new ArrayList<>();
    for (Method method : activities.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
        continue;
      }
      ActivityMethod annotation = method.getAnnotation(ActivityMethod.class);
      String name =
          annotation != null && !annotation.name().isEmpty()
              ? annotation.name()
              : capitalized(method.getName());
      types.add(marker.namePrefix() + name);
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException(activities.getName() + " declares no activity methods");
    }
    types.sort(null);
    return types;
  }

  private static String capitalized(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
