package io.xcluster.bench;

import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.SupervisedServer;
import java.io.IOException;
import java.util.Map;

/** Both clusters' metrics at the start of a phase, to say at its end what the servers did. */
record ServerScrapes(
    LocalStack stack, ServerMetrics usEast, ServerMetrics euWest, boolean available) {

  /** Scrapes both servers now; nothing on embedded servers, which expose no metrics. */
  static ServerScrapes of(LocalStack stack) throws IOException, InterruptedException {
    if (!stack.options().clusters().runsServerProcesses()) {
      return new ServerScrapes(stack, null, null, false);
    }
    return new ServerScrapes(
        stack,
        ServerMetrics.scrape(stack.clusters().usEastServer().metricsAddress()),
        ServerMetrics.scrape(stack.clusters().euWestServer().metricsAddress()),
        true);
  }

  /** Adds one line per cluster under {@code phase}: what its server did since this scrape. */
  void describeInto(Map<String, String> lines, String phase)
      throws IOException, InterruptedException {
    if (!available) {
      return;
    }
    lines.put(phase + ", us-east", since(stack.clusters().usEastServer(), usEast));
    lines.put(phase + ", eu-west", since(stack.clusters().euWestServer(), euWest));
  }

  private static String since(SupervisedServer server, ServerMetrics before)
      throws IOException, InterruptedException {
    return ServerMetrics.scrape(server.metricsAddress()).since(before).serverSide();
  }
}
