package io.xcluster.runtime.http;

import io.xcluster.port.remote.FailoverRepair;
import io.xcluster.port.remote.LostStartRecheck;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /calls/recheck} on a transport's HTTP port: the failover repair on demand (every open call
 * re-checked on the target, a missing run issued again). For an operator after a failover the
 * transport could not see, e.g. one behind a DNS switch, or to make sure. {@code POST} asks and
 * answers at once, 202 with the request's number; {@code GET} says whether a re-check runs, up to
 * which request they are done, and the last result. A re-check over a WAN can outlast any HTTP
 * timeout, so nobody waits on the connection. Idempotent; one re-check runs at a time.
 */
public final class RecheckRoute implements HttpRoute {

  public static final String PATH = "/calls/recheck";

  /** Its own thread: answering takes microseconds, and health probes never wait behind it. */
  public static final RoutePool POOL = new RoutePool("recheck", 1, 8);

  private final FailoverRepair repair;

  public RecheckRoute(FailoverRepair repair) {
    this.repair = repair;
  }

  /** Serves the route on {@code http}. */
  public static void serveOn(ServiceHttpServer http, FailoverRepair repair) {
    http.endpoint(PATH, POOL, new RecheckRoute(repair));
  }

  @Override
  public HttpReply handle(HttpCall call) {
    if ("POST".equals(call.method())) {
      long request = repair.request("asked on " + PATH);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("request", request);
      body.put("status", "GET " + PATH + " until completed >= request");
      return HttpReply.json(202, body);
    }
    if (!call.isRead()) {
      return ServiceHttpServer.methodNotAllowed(call, "GET, POST");
    }
    FailoverRepair.Status status = repair.status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("running", status.running());
    body.put("requested", status.requested());
    body.put("completed", status.completed());
    LostStartRecheck.Result last = status.last();
    if (last != null) {
      body.put("checked", last.checked());
      body.put("reissued", last.missing());
      body.put("unreadable", last.unreadable());
      body.put("summary", last.describe());
    }
    return HttpReply.json(200, body);
  }
}
