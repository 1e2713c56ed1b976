package io.xcluster.runtime.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers by itself — a request it cannot parse (bad percent-encoding, headers too
 * large, a URI too long) — in the same {@code application/problem+json} as every other answer,
 * instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /** Requests so broken that no request object exists (the parser gave up). */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
    return ByteBuffer.wrap(HttpReply.problem(problemFor(status, reason)).body());
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    HttpReply reply = HttpReply.problem(problemFor(code, message));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }

  static Problem problemFor(int status, String reason) {
    String detail = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    return switch (status) {
      case 400 -> Problem.of(400, "bad-request", "The request is malformed", detail);
      case 404 -> Problem.of(404, "not-found", "No such resource", detail);
      case 408 -> Problem.of(408, "request-timeout", "The request was not sent in time", detail);
      case 413 -> Problem.of(413, "body-too-large", "Request body too large", detail);
      case 414 -> Problem.of(414, "uri-too-long", "The request URI is too long", detail);
      case 431 -> Problem.of(431, "headers-too-large", "The request headers are too large", detail);
      case 500 -> Problem.of(500, "internal", "Internal error", detail);
      default ->
          new Problem(
              Problem.TYPE_PREFIX + (status >= 500 ? "internal" : "bad-request"),
              HttpStatus.getMessage(status),
              status,
              detail,
              null);
    };
  }
}
