package org.visorfleet.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visorfleet.server.auth.Role;

/**
 * One API endpoint: method, path template ({@code /api/v1/clients/{name}}), the least role that may
 * call it (null for public), and what it does.
 */
public record Route(String method, String template, Role minimum, Action action, Pattern pattern, boolean upload) {

    /** What a route does; may throw {@link org.visorfleet.server.Refusal} for bad requests. */
    @FunctionalInterface
    public interface Action {
        Reply handle(Call call) throws Exception;
    }

    public static Route of(String method, String template, Role minimum, Action action) {
        return new Route(method, template, minimum, action, compile(template), false);
    }

    /**
     * A route whose body is streamed to the action ({@link Call#upload()}) instead of being read
     * into memory first, for uploads of any size (disk images). Only authorized callers get to send it.
     */
    public static Route upload(String method, String template, Role minimum, Action action) {
        return new Route(method, template, minimum, action, compile(template), true);
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
