package org.visorfleet.server.api;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
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

    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

    private final List<Route> routes;
    private final Map<String, Upgrade> upgrades;
    private final ApiTokens tokens;
    private final EventLog events;

    public ApiHandler(List<Route> routes, Map<String, Upgrade> upgrades, ApiTokens tokens, EventLog events) {
        this.routes = List.copyOf(routes);
        this.upgrades = Map.copyOf(upgrades);
        this.tokens = tokens;
        this.events = events;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String remote = Request.getRemoteAddr(request);
        String method = request.getMethod();
        Principal principal = null;
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
            if (route.minimum() != null) {
                bearer = bearer(request);
                principal = tokens.resolve(bearer).orElseThrow(() -> Refusal.unauthorized("invalid or expired token"));
                if (!principal.role().includes(route.minimum())) {
                    throw Refusal.forbidden(
                            "role " + principal.role().wireName() + " may not " + method + " " + route.template());
                }
            }
            String body = route.upload() ? "" : readBody(request);
            InputStream upload = route.upload() ? Content.Source.asInputStream(request) : null;
            Reply reply = route.action()
                    .handle(new Call(
                            principal,
                            bearer,
                            parameters,
                            Request.extractQueryParameters(request),
                            body,
                            upload,
                            remote));
            write(response, callback, reply.status(), reply.body());
        } catch (Refusal refusal) {
            refused(request, response, callback, principal, remote, refusal);
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

    /** Reads at most {@link #MAX_BODY} bytes; longer bodies are refused before they are buffered. */
    private static String readBody(Request request) throws Exception {
        long declared = request.getLength();
        if (declared > MAX_BODY) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "request body larger than " + MAX_BODY + " bytes");
        }
        try {
            byte[] bytes = Content.Source.asByteArrayAsync(request, MAX_BODY).get();
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (ExecutionException e) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "request body larger than " + MAX_BODY + " bytes");
        }
    }

    private void refused(
            Request request, Response response, Callback callback, Principal principal, String remote, Refusal r) {
        String actor = principal == null ? "remote:" + remote : principal.actor();
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
        if (body instanceof Reply.Raw raw) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, raw.contentType());
            Content.Sink.write(response, true, raw.text(), callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, ApiJson.write(body) + "\n", callback);
    }
}
