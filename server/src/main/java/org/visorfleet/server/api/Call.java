package org.visorfleet.server.api;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;

/**
 * One API request as a route sees it: the caller, path parameters, query parameters and the body.
 *
 * @param principal the authenticated technician, or null on public routes
 * @param bearer the bearer token that authenticated it, or null
 * @param upload the request body as a stream on {@link Route#upload} routes (then {@code body} is empty), else null
 * @param remote the peer's address
 * @param agent the enrolled agent calling an {@link Route#agent} route, else null
 */
public record Call(
        Principal principal,
        String bearer,
        List<String> pathParameters,
        Fields query,
        String body,
        InputStream upload,
        String remote,
        AgentPrincipal agent) {

    public String path(int index) {
        return pathParameters.get(index);
    }

    public <T> T body(Class<T> type) {
        return ApiJson.read(body, type);
    }

    public Optional<String> query(String name) {
        Fields.Field field = query.get(name);
        return field == null ? Optional.empty() : Optional.ofNullable(field.getValue());
    }

    public int intQuery(String name, int fallback) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw Refusal.invalid(name + " must be an integer");
        }
    }

    public long longQuery(String name, long fallback) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw Refusal.invalid(name + " must be an integer");
        }
    }

    /** The actor recorded for this call's changes. */
    public String actor() {
        if (agent != null) {
            return "client:" + agent.name();
        }
        return principal == null ? "remote:" + remote : principal.actor();
    }
}
