package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

/**
 * What a call says its calling side takes on the results subject: relays send progress only to
 * calling sides that name it, and relays that read only the first value still find {@code waiting}
 * there.
 */
class AcceptedKindsTest {

  @Test
  void aCallOfThisReleaseTakesWaitingNoticesFirstAndProgress() {
    Headers headers = new Headers();
    headers.add(WireHeaders.ACCEPTS, WaitingNotices.NOTICE, ProgressPublisher.PROGRESS);
    Message call = NatsMessage.builder().subject("xcluster.calls.eu-west").headers(headers).build();

    assertTrue(WireHeaders.accepts(call, WaitingNotices.NOTICE));
    assertTrue(WireHeaders.accepts(call, ProgressPublisher.PROGRESS));
    assertEquals(WaitingNotices.NOTICE, call.getHeaders().getFirst(WireHeaders.ACCEPTS));
  }

  @Test
  void aCallingSideOlderThanProgressIsSentNone() {
    Headers headers = new Headers();
    headers.put(WireHeaders.ACCEPTS, WaitingNotices.NOTICE);
    Message older =
        NatsMessage.builder().subject("xcluster.calls.eu-west").headers(headers).build();
    Message oldest = NatsMessage.builder().subject("xcluster.calls.eu-west").build();

    assertTrue(WireHeaders.accepts(older, WaitingNotices.NOTICE));
    assertFalse(WireHeaders.accepts(older, ProgressPublisher.PROGRESS));
    assertFalse(WireHeaders.accepts(oldest, WaitingNotices.NOTICE));
    assertFalse(WireHeaders.accepts(oldest, ProgressPublisher.PROGRESS));
  }
}
