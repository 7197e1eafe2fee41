package org.visorfleet.console.events;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.visorfleet.console.api.FleetEvent;

/**
 * What the events log shows: a type prefix, a client, an actor and free text (each blank for
 * "any"). The server filters what {@code GET /api/v1/events} can ({@link #serverQuery}: a type prefix
 * ending in {@code .}, the exact client and actor); {@link #matches} applies all of it, so pages and
 * live events are filtered alike.
 *
 * @param type prefix of the event type, e.g. {@code client.} or {@code client.on}
 * @param client exact client name
 * @param actor exact actor, e.g. {@code user:admin}
 * @param text words that must all occur (case-insensitive) in the type, actor, client, detail or server
 */
public record EventFilter(String type, String client, String actor, String text) {

    /** Shows everything. */
    public static final EventFilter NONE = new EventFilter("", "", "", "");

    public EventFilter {
        type = type == null ? "" : type.strip();
        client = client == null ? "" : client.strip();
        actor = actor == null ? "" : actor.strip();
        text = text == null ? "" : text.strip();
    }

    /**
     * The query parameters the server applies, each followed by {@code &} (empty if none). The type goes
     * to the server up to its last dot, the prefix the API understands; the rest is matched here.
     */
    public String serverQuery() {
        StringBuilder query = new StringBuilder();
        int dot = type.lastIndexOf('.');
        if (dot >= 0) {
            query.append("type=").append(encode(type.substring(0, dot + 1))).append('&');
        }
        if (!client.isEmpty()) {
            query.append("client=").append(encode(client)).append('&');
        }
        if (!actor.isEmpty()) {
            query.append("actor=").append(encode(actor)).append('&');
        }
        return query.toString();
    }

    /** Whether {@code event} passes every part of the filter. */
    public boolean matches(FleetEvent event) {
        if (!event.type().startsWith(type)) {
            return false;
        }
        if (!client.isEmpty() && !client.equals(event.client())) {
            return false;
        }
        if (!actor.isEmpty() && !actor.equals(event.actor())) {
            return false;
        }
        return matchesText(event);
    }

    /** Whether every word of {@link #text} occurs in one of the event's fields. */
    public boolean matchesText(FleetEvent event) {
        if (text.isEmpty()) {
            return true;
        }
        String haystack = String.join(
                        "\n",
                        event.type(),
                        String.valueOf(event.actor()),
                        String.valueOf(event.client()),
                        String.valueOf(event.detail()),
                        String.valueOf(event.server()))
                .toLowerCase(Locale.ROOT);
        for (String word : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!haystack.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /** The same filter with other free text. */
    public EventFilter withText(String newText) {
        return new EventFilter(type, client, actor, newText);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
