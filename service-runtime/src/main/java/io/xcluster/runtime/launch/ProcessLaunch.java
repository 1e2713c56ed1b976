package io.xcluster.runtime.launch;

import java.util.List;
import java.util.Objects;

/**
 * How to run a transport as a JVM of its own: {@code java -cp <class path> mainClass args...}.
 *
 * @param mainClass the fully qualified main class
 * @param args its arguments
 * @param readyLine a line the process logs once it is up
 */
public record ProcessLaunch(String mainClass, List<String> args, String readyLine) {

  public ProcessLaunch {
    Objects.requireNonNull(mainClass, "mainClass");
    args = List.copyOf(args);
    if (readyLine == null || readyLine.isBlank()) {
      throw new IllegalArgumentException(
          "readyLine must name what " + mainClass + " logs once it is up");
    }
  }

  /** The same process with {@code more} arguments after these (e.g. a setting a drill needs). */
  public ProcessLaunch withArguments(String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return new ProcessLaunch(mainClass, all, readyLine);
  }
}
