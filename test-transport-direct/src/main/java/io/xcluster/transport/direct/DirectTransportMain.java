package io.xcluster.transport.direct;

import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.runtime.cli.ServiceVersion;
import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.lifecycle.ServiceMain;
import io.xcluster.runtime.lifecycle.ServiceStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** NOT FOR PRODUCTION: runs one direct-transport process until SIGTERM / Ctrl-C. */
@Command(
    name = "test-transport-direct",
    mixinStandardHelpOptions = true,
    versionProvider = ServiceVersion.class,
    sortOptions = false,
    description = {
      "NOT FOR PRODUCTION (a thread per open call): starts cross-cluster calls directly on the target cluster.",
      ""
    })
public final class DirectTransportMain extends ServiceMain {

  public static final int HTTP_PORT = 8089;
  public static final String SERVICE_NAME = "test-transport-direct";

  @Mixin TwoClusterOptions clusters;

  public DirectTransportMain() {
    super(SERVICE_NAME, HTTP_PORT);
  }

  public static void main(String[] args) {
    System.exit(new DirectTransportMain().execute(args));
  }

  @Override
  protected int serve(ServiceStart start) {
    ResolvedCluster source = clusters.source(start.profiles());
    ResolvedCluster target = clusters.target(start.profiles());
    ServiceStart.Running running = start.run();
    ClusterConnection targetConnection = running.connect("target", target);
    ClusterConnection sourceConnection = running.connect("calling", source);
    DirectWorker worker = DirectWorker.start(sourceConnection, targetConnection);
    running.process().onStop(worker);
    running
        .process()
        .log()
        .info(
            "direct transport polling {}", DirectTransport.taskQueueFor(target.endpoint().name()));
    return running.serveUntilStopped();
  }
}
