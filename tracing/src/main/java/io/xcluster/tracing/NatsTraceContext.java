package io.xcluster.tracing;

import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * W3C trace context in NATS message headers (inject before the message is built: headers freeze
 * then).
 */
public final class NatsTraceContext {

  private static final TextMapSetter<Headers> SETTER =
      (headers, key, value) -> headers.put(key, value);
  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          return headers.keySet();
        }

        @Override
        public String get(Headers headers, String key) {
          return headers == null ? null : headers.getFirst(key);
        }
      };

  private NatsTraceContext() {}

  public static void inject(OpenTelemetry openTelemetry, Context context, Headers headers) {
    openTelemetry.getPropagators().getTextMapPropagator().inject(context, headers, SETTER);
  }

  /** The context the message's sender was in, or the root context when the message carries none. */
  public static Context extract(OpenTelemetry openTelemetry, Headers headers) {
    if (headers == null) {
      return Context.root();
    }
    return openTelemetry
        .getPropagators()
        .getTextMapPropagator()
        .extract(Context.root(), headers, GETTER);
  }
}
