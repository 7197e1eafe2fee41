package org.visorfleet.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visorfleet.server.auth.Role;

/**
 * One API endpoint: method, path template ({@code /api/v1/clients/{name}}), who may call it (the
 * least technician role, an enrolled agent by its TLS client certificate, or anyone when {@code
 * minimum} is null and {@code agent} false), how its body is read, and what it does.
 *
 * @param upload the body is streamed to the action ({@link Call#upload()}) instead of read first
 * @param agent callers authenticate with their client certificate, not a bearer token; the action
 *     sees them as {@link Call#agent()}
 * @param maxBody the longest body read into memory for a non-upload route
 */
public record Route(
        String method,
        String template,
        Role minimum,
        Action action,
        Pattern pattern,
        boolean upload,
        boolean agent,
        int maxBody) {

    /** What a route does; may throw {@link org.visorfleet.server.Refusal} for bad requests. */
    @FunctionalInterface
    public interface Action {
        Reply handle(Call call) throws Exception;
    }

    public static Route of(String method, String template, Role minimum, Action action) {
        return new Route(method, template, minimum, action, compile(template), false, false, ApiHandler.MAX_BODY);
    }

    /**
     * A route whose body is streamed to the action ({@link Call#upload()}) instead of being read
     * into memory first, for uploads of any size (disk images). Only authorized callers get to send it.
     */
    public static Route upload(String method, String template, Role minimum, Action action) {
        return new Route(method, template, minimum, action, compile(template), true, false, ApiHandler.MAX_BODY);
    }

    /**
     * A route for enrolled agents: the caller is identified by the client certificate of the TLS
     * session, exactly as for the agent WebSocket (unknown and revoked certificates are refused), and
     * the body, if any, is streamed. Agents hold no bearer token.
     */
    public static Route agent(String method, String template, Action action) {
        return new Route(method, template, null, action, compile(template), true, true, ApiHandler.MAX_BODY);
    }

    /** The same route reading bodies of up to {@code bytes} into memory (larger JSON documents). */
    public Route withMaxBody(int bytes) {
        return new Route(method, template, minimum, action, pattern, upload, agent, bytes);
    }

    private static Pattern compile(String template) {
        return Pattern.compile(template.replaceAll("\\{[a-zA-Z]+}", "([^/]+)"));
    }

    /** The path parameters when {@code path} matches this route's template. */
    public Optional<List<String>> match(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> parameters = new ArrayList<>();
        for (int i = 1; i <= m.groupCount(); i++) {
            parameters.add(m.group(i));
        }
        return Optional.of(parameters);
    }
}
