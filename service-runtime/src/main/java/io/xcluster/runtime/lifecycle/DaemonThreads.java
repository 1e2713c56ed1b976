package io.xcluster.runtime.lifecycle;

import java.util.concurrent.ThreadFactory;

/**
 * Named daemon threads, so a transport's own threads are easy to find in a thread dump and never
 * keep a JVM alive.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
