package io.xcluster.localstack.reliability;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The failover drill's section of {@code docs/reliability.md}, from what the drill test printed.
 * That output may hold the log lines of the process it ran in (worker warnings, stack traces); the
 * report keeps only the drill's own report: its {@code drill on namespace ...} line and the
 * indented lines under it.
 */
final class DrillSection {

  private static final String HEADER = "drill on namespace ";

  /** A stack trace's frames, "... n more" and causes: never the drill's own words. */
  private static final Pattern TRACE = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+)|^Caused by: ");

  private DrillSection() {}

  static String render(String printed) {
    return """

        ## Failover drill (namespace replication)

        `replication-setup drill` in `ReplicationIT`, on two full Temporal servers (v1.29.1, SQLite)
        linked for replication; procedure and meaning in [runbooks/failover.md](runbooks/failover.md):

        ```
        %s
        ```
        """
        .formatted(String.join("\n", drillLines(printed)));
  }

  /**
   * The drill's report; when there is none (the drill failed), every line that is not part of a
   * stack trace.
   */
  static List<String> drillLines(String printed) {
    List<String> lines = printed.strip().lines().toList();
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(HEADER)) {
        header = i;
      }
    }
    if (header < 0) {
      return lines.stream().filter(line -> !TRACE.matcher(line).find()).toList();
    }
    int end = header + 1;
    while (end < lines.size() && lines.get(end).startsWith("  ")) {
      end++;
    }
    return lines.subList(header, end);
  }
}
