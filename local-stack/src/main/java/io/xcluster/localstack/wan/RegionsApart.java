package io.xcluster.localstack.wan;

import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.runtime.launch.PlacedProcess;
import io.xcluster.runtime.launch.PlacementApart;
import io.xcluster.runtime.launch.RegionCrossing;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.wan.LocalToxiproxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * us-east and eu-west apart: every connection that crosses the regions goes through a Toxiproxy
 * link on loopback, which delays it like a WAN, drops one direction or cuts it. Each region's
 * workers talk to their own cluster directly; where a transport's processes live ({@link
 * Placement}, as its launcher describes them) decides which of its connections cross.
 */
public final class RegionsApart implements AutoCloseable {

  public static final String US_EAST = LocalStack.US_EAST;
  public static final String EU_WEST = LocalStack.EU_WEST;

  /** A transport and one of its placements. */
  public record Placement(TransportLauncher launcher, PlacementApart apart) {

    public String transport() {
      return launcher.name();
    }

    public String label() {
      return apart.label();
    }

    /** One word for file and record names: {@code <transport>-<placement>}. */
    public String tag() {
      return (launcher.name() + "-" + apart.name()).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return tag();
    }
  }

  /** Every production transport's placements, its recommended one first. */
  public static List<Placement> placements() {
    List<Placement> all = new ArrayList<>();
    for (TransportLauncher launcher : TransportLaunchers.available().values()) {
      if (!launcher.forProduction()) {
        continue;
      }
      launcher.placementsApart().stream()
          .sorted((a, b) -> Boolean.compare(b.recommended(), a.recommended()))
          .forEach(apart -> all.add(new Placement(launcher, apart)));
    }
    return List.copyOf(all);
  }

  /**
   * The placements of {@code tags}, comma-separated (as {@link Placement#tag()} spells them), in
   * that order.
   *
   * @throws IllegalArgumentException for a tag no placement has, naming the ones there are
   */
  public static List<Placement> placements(String tags) {
    List<Placement> all = placements();
    List<Placement> named = new ArrayList<>();
    for (String tag : tags.split(",")) {
      String wanted = tag.trim();
      named.add(
          all.stream()
              .filter(p -> p.tag().equals(wanted))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no placement '"
                              + wanted
                              + "'; there are "
                              + all.stream().map(Placement::tag).toList())));
    }
    return List.copyOf(named);
  }

  /** The placement each production transport recommends. */
  public static List<Placement> recommended() {
    return placements().stream().filter(p -> p.apart().recommended()).toList();
  }

  /** A link and the region its clients are in. */
  private record CrossingLink(LocalToxiproxy.Link link, String clientRegion) {}

  private final LocalToxiproxy toxiproxy;
  private final List<CrossingLink> links = new ArrayList<>();
  private final List<LocalNatsServer> leaves = new ArrayList<>();
  private Duration oneWay = Duration.ZERO;
  private Duration jitter = Duration.ZERO;

  private RegionsApart(LocalToxiproxy toxiproxy) {
    this.toxiproxy = toxiproxy;
  }

  /** Starts Toxiproxy, logging into {@code workDir}; no link yet, no delay. */
  public static RegionsApart start(Path workDir) {
    return new RegionsApart(LocalToxiproxy.start(workDir));
  }

  /**
   * Starts {@code placement}'s processes against {@code stack}, each cross-region connection
   * through a new link; {@code moreArgs} go to every process. The first process is the one a drill
   * kills; the caller closes them all.
   */
  public List<TransportProcess> startTransport(
      LocalStack stack, Placement placement, List<String> moreArgs, Path workDir) {
    TransportLauncher launcher = placement.launcher();
    TransportLaunch launch = stack.transportLaunch(launcher);
    List<PlacedProcess> plan =
        launcher.placeApart(
            placement.apart(),
            launch,
            new RegionCrossing() {
              @Override
              public String cross(String link, String upstream, Region from) {
                return crossing(placement.tag() + "-" + link, upstream, regionOf(from)).listen();
              }

              @Override
              public NatsLeaf natsLeaf(String link, Region in) {
                return startLeaf(stack, placement.tag() + "-" + link, regionOf(in), workDir);
              }
            });
    List<TransportProcess> started = new ArrayList<>();
    try {
      for (PlacedProcess process : plan) {
        List<String> args = new ArrayList<>(moreArgs);
        args.addAll(process.args());
        started.add(
            TransportProcess.start(launcher, process.launch(), args, workDir, started.size() + 1));
      }
    } catch (RuntimeException e) {
      started.forEach(TransportProcess::close);
      throw e;
    }
    return List.copyOf(started);
  }

  /**
   * A client in {@code fromRegion} reaching {@code upstream} in the other region (e.g. a
   * benchmark's client in us-east calling eu-west's frontend): a new link named {@code name},
   * delayed, cut and held like the others. Returns the address the client dials.
   */
  public String reach(String name, String upstream, String fromRegion) {
    if (!US_EAST.equals(fromRegion) && !EU_WEST.equals(fromRegion)) {
      throw new IllegalArgumentException(
          "region must be " + US_EAST + " or " + EU_WEST + ", was " + fromRegion);
    }
    return crossing(name, upstream, fromRegion).listen();
  }

  private static String regionOf(RegionCrossing.Region region) {
    return region == RegionCrossing.Region.CALLING ? US_EAST : EU_WEST;
  }

  /**
   * A nats-server in {@code region}, a leaf node of the stack's JetStream server (in the other
   * region) through a new link; stopped with the links, on {@link #close()}.
   */
  private RegionCrossing.NatsLeaf startLeaf(
      LocalStack stack, String name, String region, Path workDir) {
    LocalNatsServer hub = stack.jetStream();
    if (!hub.keepsLeafNodesOnTheirLink()) {
      throw new IllegalStateException(
          "the JetStream server advertises its own leaf-node address, so a leaf would reconnect"
              + " round the link between the regions (nats-server 2.9 ignores leafnodes"
              + " no_advertise): run a nats-server of 2.10 or later, e.g. XCLUSTER_NATS_SERVER="
              + "$(scripts/install-tools.sh nats-cluster | sed -n 's/^NATS_CLUSTER_SERVER=//p')");
    }
    LocalToxiproxy.Link link = crossing(name, hub.leafNodeAddress(), region);
    LocalNatsServer leaf = LocalNatsServer.startLeaf(workDir.resolve(name), link.listen());
    leaves.add(leaf);
    return new RegionCrossing.NatsLeaf(leaf.url(), hub.jetStreamDomain());
  }

  private LocalToxiproxy.Link crossing(String name, String upstream, String clientRegion) {
    LocalToxiproxy.Link link = toxiproxy.link(name, upstream);
    link.delay(oneWay, jitter);
    links.add(new CrossingLink(link, clientRegion));
    return link;
  }

  /**
   * The WAN's round trip: {@code rtt} / 2 each way on every link, ± a sixteenth of the round trip
   * (40 ± 5 ms each way at 80 ms), also on links made later.
   */
  public void roundTrip(Duration rtt) {
    oneWay = rtt.dividedBy(2);
    jitter = rtt.dividedBy(16);
    links.forEach(l -> l.link().delay(oneWay, jitter));
  }

  /** A full partition: every link cut, both ways; open connections closed. */
  public void cut() {
    links.forEach(l -> l.link().cut());
  }

  /** Heals {@link #cut()}. */
  public void restore() {
    links.forEach(l -> l.link().restore());
  }

  /**
   * A one-way partition: everything sent from {@code region} to the other is dropped (connections
   * stay open, the other direction flows) until {@link #release(String)}, which closes the links'
   * connections; clients reconnect.
   */
  public void hold(String region) {
    links.forEach(l -> l.link().hold(streamFrom(l, region)));
  }

  public void release(String region) {
    links.forEach(l -> l.link().release(streamFrom(l, region)));
  }

  /** What the links look like, for a report: name, from which region to which, upstream. */
  public List<String> describeLinks() {
    return links.stream()
        .map(
            l ->
                l.link().name()
                    + ": from "
                    + l.clientRegion()
                    + " to "
                    + (l.clientRegion().equals(US_EAST) ? EU_WEST : US_EAST)
                    + " "
                    + l.link().upstream())
        .toList();
  }

  private static String streamFrom(CrossingLink link, String region) {
    return link.clientRegion().equals(region) ? "upstream" : "downstream";
  }

  @Override
  public void close() {
    leaves.forEach(LocalNatsServer::close);
    toxiproxy.close();
  }
}
