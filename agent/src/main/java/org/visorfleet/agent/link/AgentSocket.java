package org.visorfleet.agent.link;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;

/**
 * One WebSocket to one server, as the link's loop sees it: received messages are queued for the
 * loop, the close becomes a queued {@link Closed} marker. Sends never block.
 */
public final class AgentSocket implements Session.Listener.AutoDemanding {

    /** Queued when the socket ends. */
    record Closed(int code, String reason) {}

    final CompletableFuture<Session> opened = new CompletableFuture<>();
    private final LinkedBlockingQueue<Object> inbox;
    private volatile Session session;

    AgentSocket(LinkedBlockingQueue<Object> inbox) {
        this.inbox = inbox;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        opened.complete(session);
    }

    @Override
    public void onWebSocketText(String text) {
        switch (WireJson.decodeServer(text)) {
            case WireJson.Decoded.Ok<ServerMessage>(ServerMessage message) -> inbox.add(message);
            case WireJson.Decoded.Malformed<ServerMessage> m -> inbox.add(new Closed(1007, "malformed: " + m.reason()));
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        inbox.add(new Closed(statusCode, reason));
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        opened.completeExceptionally(cause);
        inbox.add(new Closed(1006, cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    }

    void send(AgentMessage message) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.sendText(WireJson.encode(message), Callback.NOOP);
        }
    }

    /**
     * Sends and calls {@code failed} (on some thread) unless the frame was written: when the socket
     * is not open, at once; when the write fails, from the write's callback.
     */
    void send(AgentMessage message, Runnable failed) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            failed.run();
            return;
        }
        s.sendText(WireJson.encode(message), Callback.from(() -> {}, x -> failed.run()));
    }

    void close(int code, String reason) {
        Session s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    /** Drops the connection without a closing handshake (the server is presumed dead). */
    void abort() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }
}
