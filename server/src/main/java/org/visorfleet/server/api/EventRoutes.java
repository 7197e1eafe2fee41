package org.visorfleet.server.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.events.EventQuery;
import org.visorfleet.server.events.EventRecord;

/**
 * {@code GET /api/v1/events}: newest first by default, paged by id cursors ({@code before} for older
 * pages, {@code after} with {@code order=asc} to follow the log).
 */
public final class EventRoutes {

    private final EventLog events;

    public EventRoutes(EventLog events) {
        this.events = events;
    }

    public List<Route> routes() {
        return List.of(Route.of("GET", "/api/v1/events", Role.VIEWER, this::list));
    }

    private Reply list(Call call) throws Exception {
        String order = call.query("order").orElse("desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw Refusal.invalid("order must be asc or desc");
        }
        int limit = call.intQuery("limit", 100);
        if (limit < 1 || limit > 1000) {
            throw Refusal.invalid("limit must be 1..1000");
        }
        List<EventRecord> items = events.query(new EventQuery(
                call.query("type").orElse(null),
                call.query("client").orElse(null),
                call.query("actor").orElse(null),
                call.longQuery("after", 0),
                call.longQuery("before", 0),
                limit,
                order.equals("asc")));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("items", items);
        if (items.size() == limit) {
            reply.put(
                    "next",
                    order.equals("asc")
                            ? "after=" + items.getLast().id()
                            : "before=" + items.getLast().id());
        }
        return Reply.ok(reply);
    }
}
