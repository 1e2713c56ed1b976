package io.xcluster.runtime.http;

import io.xcluster.port.remote.LostStartRecheck;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code POST /calls/recheck} on a transport's HTTP port: the on-demand failover repair (every open
 * call re-checked on the target, a missing run issued again). For an operator after a failover the
 * transport could not see, e.g. one behind a DNS switch it was not connected through, or to make
 * sure. Idempotent; one re-check runs at a time.
 */
public final class RecheckRoute implements HttpRoute {

  public static final String PATH = "/calls/recheck";

  private final Supplier<LostStartRecheck.Result> recheck;

  public RecheckRoute(Supplier<LostStartRecheck.Result> recheck) {
    this.recheck = recheck;
  }

  @Override
  public HttpReply handle(HttpCall call) {
    if (!"POST".equals(call.method())) {
      return ServiceHttpServer.methodNotAllowed(call, "POST");
    }
    LostStartRecheck.Result result = recheck.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("checked", result.checked());
    body.put("reissued", result.missing());
    body.put("unreadable", result.unreadable());
    body.put("summary", result.describe());
    return HttpReply.json(200, body);
  }
}
