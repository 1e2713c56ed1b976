package io.xcluster.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.xcluster.runtime.config.ConfigException;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Logs of a service process, to stdout: {@code XCLUSTER_LOG_FORMAT=text} (default, one readable
 * line per event) or {@code json} (one JSON object per line, for a log pipeline), at {@code
 * XCLUSTER_LOG_LEVEL} (default INFO). Set in code, not by a {@code logback.xml}, so a service jar
 * and the local-stack jar that contains it do not fight over one file.
 */
public final class ServiceLogging {

  public static final String FORMAT = "XCLUSTER_LOG_FORMAT";
  public static final String LEVEL = "XCLUSTER_LOG_LEVEL";

  private ServiceLogging() {}

  public static void configure(Map<String, String> env) {
    String format = env.getOrDefault(FORMAT, "text");
    if (!format.equals("text") && !format.equals("json")) {
      throw ConfigException.invalid(FORMAT, format, "must be text or json");
    }
    String levelName = env.getOrDefault(LEVEL, "INFO").toUpperCase(java.util.Locale.ROOT);
    if (!java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(levelName)) {
      throw ConfigException.invalid(
          LEVEL, env.get(LEVEL), "must be TRACE, DEBUG, INFO, WARN or ERROR");
    }
    // libraries that log through java.util.logging (OpenTelemetry's exporters) go through the same
    // appender
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format.equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      encoder = json;
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n%ex{short}");
      encoder = pattern;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stdout");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(levelName));
    root.addAppender(console);
    // the SDK's and gRPC's own chatter at INFO says nothing an operator acts on
    context.getLogger("io.grpc").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.temporal.internal").setLevel(Level.WARN);
  }
}
