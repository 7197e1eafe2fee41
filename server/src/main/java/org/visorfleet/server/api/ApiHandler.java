package org.visorfleet.server.api;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.content.InputStreamContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.ApiTokens;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.events.EventLog;

/**
 * The HTTPS front door: WebSocket upgrades by exact path, then JSON routes. Every refusal is a 4xx
 * {@code {"error":..,"detail":..}} and an event; an internal failure is a 500 with a log line, never
 * a dead server thread.
 */
public final class ApiHandler extends Handler.Abstract {

    /** Longest request body accepted. */
    public static final int MAX_BODY = 64 * 1024;

    /** Handles a WebSocket upgrade request on one path; returns false if it was not one. */
    @FunctionalInterface
    public interface Upgrade {
        boolean upgrade(Request request, Response response, Callback callback) throws Exception;
    }

    /**
     * Identifies the enrolled agent behind a TLS client certificate chain (already verified against
     * the fleet CA by the handshake); refuses (and records) missing, unknown and revoked certificates.
     */
    @FunctionalInterface
    public interface AgentAuthenticator {
        AgentPrincipal authenticate(X509Certificate[] chain, String remote) throws Exception;
    }

    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

    private final List<Route> routes;
    private final Map<String, Upgrade> upgrades;
    private final ApiTokens tokens;
    private final EventLog events;
    private final AgentAuthenticator agents;

    public ApiHandler(
            List<Route> routes,
            Map<String, Upgrade> upgrades,
            ApiTokens tokens,
            AgentAuthenticator agents,
            EventLog events) {
        this.routes = List.copyOf(routes);
        this.upgrades = Map.copyOf(upgrades);
        this.tokens = tokens;
        this.agents = agents;
        this.events = events;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String remote = Request.getRemoteAddr(request);
        String method = request.getMethod();
        Principal principal = null;
        AgentPrincipal agent = null;
        try {
            Upgrade upgrade = upgrades.get(path);
            if (upgrade != null) {
                if (upgrade.upgrade(request, response, callback)) {
                    return true;
                }
                throw Refusal.invalid("expected a WebSocket upgrade request");
            }
            Route route = null;
            List<String> parameters = null;
            boolean pathKnown = false;
            for (Route candidate : routes) {
                Optional<List<String>> match = candidate.match(path);
                if (match.isPresent()) {
                    pathKnown = true;
                    if (candidate.method().equals(method)) {
                        route = candidate;
                        parameters = match.get();
                        break;
                    }
                }
            }
            if (route == null) {
                if (pathKnown) {
                    throw new Refusal(Refusal.Kind.METHOD_NOT_ALLOWED, "method " + method + " not allowed on " + path);
                }
                throw Refusal.notFound("no such endpoint: " + path);
            }
            String bearer = null;
            if (route.agent()) {
                EndPoint.SslSessionData tls =
                        (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
                agent = agents.authenticate(tls == null ? null : tls.peerCertificates(), remote);
            } else if (route.minimum() != null) {
                bearer = bearer(request);
                principal = tokens.resolve(bearer).orElseThrow(() -> Refusal.unauthorized("invalid or expired token"));
                if (!principal.role().includes(route.minimum())) {
                    throw Refusal.forbidden(
                            "role " + principal.role().wireName() + " may not " + method + " " + route.template());
                }
            }
            String body = route.upload() ? "" : readBody(request, route.maxBody());
            InputStream upload = route.upload() ? Content.Source.asInputStream(request) : null;
            Reply reply = route.action()
                    .handle(new Call(
                            principal,
                            bearer,
                            parameters,
                            Request.extractQueryParameters(request),
                            body,
                            upload,
                            remote,
                            agent));
            write(response, callback, reply.status(), reply.body());
        } catch (Refusal refusal) {
            refused(
                    request,
                    response,
                    callback,
                    agent != null ? "client:" + agent.name() : null,
                    principal,
                    remote,
                    refusal);
        } catch (java.sql.SQLTransientException e) {
            // The database is saturated (every pooled connection busy) or briefly away: the
            // client should come back later; agents do so with their backoff.
            LOG.log(System.Logger.Level.WARNING, "busy: {0} {1}: {2}", method, path, e.getMessage());
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
            write(response, callback, 503, Map.of("error", "unavailable", "detail", "database busy; retry shortly"));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + method + " " + path, e);
            write(response, callback, 500, Map.of("error", "internal", "detail", "internal server error"));
        }
        return true;
    }

    /** The bearer token from the Authorization header (or, for browsers' WebSockets, access_token). */
    public static String bearer(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        var field = Request.extractQueryParameters(request).get("access_token");
        if (field != null && field.getValue() != null) {
            return field.getValue();
        }
        throw Refusal.unauthorized("missing bearer token (POST /api/v1/login first)");
    }

    /** Reads at most {@code max} bytes; longer bodies are refused before they are buffered. */
    private static String readBody(Request request, int max) throws Exception {
        long declared = request.getLength();
        if (declared > max) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "request body larger than " + max + " bytes");
        }
        try {
            byte[] bytes = Content.Source.asByteArrayAsync(request, max).get();
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (ExecutionException e) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "request body larger than " + max + " bytes");
        }
    }

    private void refused(
            Request request,
            Response response,
            Callback callback,
            String agentActor,
            Principal principal,
            String remote,
            Refusal r) {
        String actor = agentActor != null ? agentActor : principal == null ? "remote:" + remote : principal.actor();
        String line = request.getMethod() + " " + Request.getPathInContext(request) + " -> " + r.kind().status + " "
                + r.getMessage();
        LOG.log(System.Logger.Level.INFO, "refused {0}: {1}", actor, line);
        if (!r.recorded()) {
            events.appendQuietly("request.refused", actor, null, line);
        }
        write(response, callback, r.kind().status, Map.of("error", r.kind().code, "detail", r.getMessage()));
    }

    static void write(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        if (status == HttpStatus.UNAUTHORIZED_401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"visorfleet\"");
        }
        if (body == null) {
            callback.succeeded();
            return;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (body instanceof Reply.Streamed streamed) {
            writeStreamed(response, callback, streamed);
            return;
        }
        if (body instanceof Reply.Raw raw) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, raw.contentType());
            Content.Sink.write(response, true, raw.text(), callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, ApiJson.write(body) + "\n", callback);
    }

    /** Copies a streamed body to the response; a source that cannot be opened is a 500 (nothing sent yet). */
    private static void writeStreamed(Response response, Callback callback, Reply.Streamed streamed) {
        InputStream in;
        try {
            in = streamed.opener().open();
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot open a download: {0}", e.toString());
            response.setStatus(500);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(
                    response,
                    true,
                    ApiJson.write(Map.of("error", "internal", "detail", "internal server error")) + "\n",
                    callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, streamed.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, streamed.length());
        Content.copy(new InputStreamContentSource(in), response, Callback.from(callback, () -> close(in)));
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a download: {0}", e.toString());
        }
    }
}
