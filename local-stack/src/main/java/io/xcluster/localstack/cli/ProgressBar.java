package io.xcluster.localstack.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr ({@code [#####-----] 12/20 orders}), redrawn in place. */
public final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final int total;
  private final String unit;
  private int lastDrawn = -1;

  public ProgressBar(PrintStream out, int total, String unit) {
    this.out = out;
    this.total = Math.max(total, 1);
    this.unit = unit;
  }

  public synchronized void update(int done) {
    if (done == lastDrawn) {
      return;
    }
    lastDrawn = done;
    int filled = (int) ((long) WIDTH * done / total);
    out.print(
        "\r["
            + "#".repeat(filled)
            + "-".repeat(WIDTH - filled)
            + "] "
            + done
            + "/"
            + total
            + " "
            + unit);
    if (done >= total) {
      out.println();
    }
    out.flush();
  }
}
