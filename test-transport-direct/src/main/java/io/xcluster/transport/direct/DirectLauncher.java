package io.xcluster.transport.direct;

import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.RunningTransport;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import java.util.ArrayList;
import java.util.List;

/**
 * NOT FOR PRODUCTION: runs the direct transport in this JVM or as {@link DirectTransportMain};
 * found through META-INF/services.
 */
public final class DirectLauncher implements TransportLauncher {

  @Override
  public String name() {
    return DirectTransport.NAME;
  }

  @Override
  public String serviceName() {
    return DirectTransportMain.SERVICE_NAME;
  }

  @Override
  public boolean forProduction() {
    return false;
  }

  @Override
  public RunningTransport startInProcess(TransportLaunch launch) {
    DirectWorker worker = DirectWorker.start(launch.source(), launch.target(), launch.tracing());
    return new RunningTransport() {
      @Override
      public void kill() {
        worker.kill();
      }

      @Override
      public void close() {
        worker.close();
      }
    };
  }

  @Override
  public ProcessLaunch asProcess(TransportLaunch launch) {
    List<String> args =
        new ArrayList<>(TwoClusterOptions.asArguments(launch.source(), launch.target()));
    args.addAll(List.of("--http-port", "0"));
    return new ProcessLaunch(DirectTransportMain.class.getName(), args, "direct transport polling");
  }
}
