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
public record Route(String method, String template, Role minimum, Action action, Pattern pattern) {

    /** What a route does; may throw {@link org.visorfleet.server.Refusal} for bad requests. */
    @FunctionalInterface
    public interface Action {
        Reply handle(Call call) throws Exception;
    }

    public static Route of(String method, String template, Role minimum, Action action) {
        String regex = template.replaceAll("\\{[a-zA-Z]+}", "([^/]+)");
        return new Route(method, template, minimum, action, Pattern.compile(regex));
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
