package org.visorfleet.server.agents;

import java.security.cert.X509Certificate;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.visorfleet.server.api.ApiHandler;

/** {@code /agent/v1/connect}: the mutual-TLS WebSocket every agent keeps open. */
public final class AgentUpgrade implements ApiHandler.Upgrade {

    public static final String PATH = "/agent/v1/connect";

    private final ServerWebSocketContainer container;
    private final AgentHub hub;

    public AgentUpgrade(ServerWebSocketContainer container, AgentHub hub) {
        this.container = container;
        this.hub = hub;
    }

    @Override
    public boolean upgrade(Request request, Response response, Callback callback) throws Exception {
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        AgentConnection connection = hub.admit(chain, Request.getRemoteAddr(request));
        return container.upgrade((rq, rs, cb) -> connection, request, response, callback);
    }
}
