package org.visorfleet.console.api;

import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server's live event stream ({@code wss://host/api/v1/events/stream}) for one session: each
 * event is handed to the listener as it comes; a dropped connection is opened again with backoff
 * (1 s doubling to 30 s) until {@link #close}; a refused token ends the session instead. Keeps the
 * connection alive with a ping every {@link #PING}. Callbacks come on the WebSocket's threads.
 */
public final class EventFeed implements AutoCloseable {

    /** The feed's connection state, for a status line. */
    public enum State {
        CONNECTING,
        LIVE,
        RECONNECTING,
        CLOSED
    }

    static final String PATH = "/api/v1/events/stream";
    static final Duration PING = Duration.ofSeconds(60);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(EventFeed.class.getName());

    private final Session session;
    private final Consumer<FleetEvent> onEvent;
    private final Consumer<State> onState;
    private final Thread keeper;
    private volatile WebSocket socket;
    private volatile boolean closed;

    private EventFeed(Session session, Consumer<FleetEvent> onEvent, Consumer<State> onState) {
        this.session = session;
        this.onEvent = onEvent;
        this.onState = onState;
        this.keeper = Thread.ofVirtual().name("event-feed").unstarted(this::keepOpen);
    }

    /** Opens the feed of {@code session}; events and state changes go to the two consumers. */
    public static EventFeed open(Session session, Consumer<FleetEvent> onEvent, Consumer<State> onState) {
        EventFeed feed = new EventFeed(session, onEvent, onState);
        feed.keeper.start();
        return feed;
    }

    /** Connects, waits while the socket lives (pinging), and reconnects with backoff when it drops. */
    private void keepOpen() {
        Duration backoff = Duration.ofSeconds(1);
        onState.accept(State.CONNECTING);
        try {
            while (!closed && !session.hasEnded()) {
                CountDownLatch closing = new CountDownLatch(1); // counted down when the socket closes or fails
                try {
                    socket = session.api()
                            .http()
                            .newWebSocketBuilder()
                            .header("Authorization", "Bearer " + session.token())
                            .connectTimeout(Duration.ofSeconds(10))
                            .buildAsync(session.api().webSocketUri(PATH), new Receiver(closing))
                            .get(15, TimeUnit.SECONDS);
                    onState.accept(State.LIVE);
                    backoff = Duration.ofSeconds(1);
                    while (!closing.await(PING.toMillis(), TimeUnit.MILLISECONDS)) {
                        socket.sendPing(ByteBuffer.allocate(0));
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (e.getCause() instanceof WebSocketHandshakeException refused
                            && refused.getResponse().statusCode() == 401) {
                        session.end();
                        break;
                    }
                    LOG.log(System.Logger.Level.DEBUG, "event stream: " + FleetApi.describe(e));
                }
                if (closed || session.hasEnded()) {
                    break;
                }
                onState.accept(State.RECONNECTING);
                Thread.sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (InterruptedException e) {
            // close() interrupts the keeper.
        }
        onState.accept(State.CLOSED);
    }

    /** Reassembles text frames into events. */
    private final class Receiver implements WebSocket.Listener {
        private final CountDownLatch closing;
        private final StringBuilder partial = new StringBuilder();

        Receiver(CountDownLatch closing) {
            this.closing = closing;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String json = partial.toString();
                partial.setLength(0);
                try {
                    onEvent.accept(FleetEvent.parse(json));
                } catch (ApiException e) {
                    LOG.log(System.Logger.Level.WARNING, "event stream: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closing.countDown();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closing.countDown();
        }
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
    }
}
