package org.visorfleet.server.events;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.api.ApiHandler;
import org.visorfleet.server.api.ApiJson;
import org.visorfleet.server.auth.ApiTokens;
import org.visorfleet.server.auth.Principal;

/**
 * {@code /api/v1/events/stream}: a WebSocket that pushes every new event (one JSON object per text
 * frame, the same shape as {@code GET /api/v1/events} items) to a logged-in console.
 */
public final class ConsoleUpgrade implements ApiHandler.Upgrade {

    public static final String PATH = "/api/v1/events/stream";

    private final ServerWebSocketContainer container;
    private final ApiTokens tokens;
    private final EventStream stream;

    public ConsoleUpgrade(ServerWebSocketContainer container, ApiTokens tokens, EventStream stream) {
        this.container = container;
        this.tokens = tokens;
        this.stream = stream;
    }

    @Override
    public boolean upgrade(Request request, Response response, Callback callback) throws Exception {
        Principal principal = tokens.resolve(ApiHandler.bearer(request))
                .orElseThrow(() -> Refusal.unauthorized("invalid or expired token"));
        return container.upgrade((rq, rs, cb) -> new Listener(principal), request, response, callback);
    }

    public final class Listener implements Session.Listener.AutoDemanding {
        private final Principal principal;
        private volatile Session session;
        private final java.util.function.Consumer<EventRecord> forward = this::forward;

        Listener(Principal principal) {
            this.principal = principal;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            stream.subscribe(forward);
        }

        private void forward(EventRecord event) {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.sendText(ApiJson.write(event), org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            stream.unsubscribe(forward);
        }

        /** A console that vanished without a close frame (window closed, network gone): just stop sending. */
        @Override
        public void onWebSocketError(Throwable cause) {
            stream.unsubscribe(forward);
        }

        @Override
        public String toString() {
            return "console of " + principal.name();
        }
    }
}
