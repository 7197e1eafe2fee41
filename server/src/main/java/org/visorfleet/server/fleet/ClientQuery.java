package org.visorfleet.server.fleet;

import java.util.Map;
import org.visorfleet.server.Refusal;

/**
 * A filtered, sorted page of clients.
 *
 * @param status only clients in this status, or null
 * @param group only clients in this group, or null
 * @param search substring of name or hostname (case-insensitive), or null
 * @param sort a field name, {@code -} in front for descending: name, hostname, status, lastSeen,
 *     enrolledAt, group
 * @param offset rows to skip
 * @param limit page size, 1..1000
 */
public record ClientQuery(ClientStatus status, String group, String search, String sort, int offset, int limit) {

    static final Map<String, String> SORT_COLUMNS = Map.of(
            "name", "c.name",
            "hostname", "c.hostname",
            "status", "c.status",
            "lastSeen", "c.last_seen",
            "enrolledAt", "c.enrolled_at",
            "group", "g.name");

    public ClientQuery {
        if (limit < 1 || limit > 1000) {
            throw Refusal.invalid("limit must be 1..1000");
        }
        if (offset < 0) {
            throw Refusal.invalid("offset must not be negative");
        }
        if (search != null && search.length() > 64) {
            throw Refusal.invalid("search text longer than 64 characters");
        }
        String field = sort.startsWith("-") ? sort.substring(1) : sort;
        if (!SORT_COLUMNS.containsKey(field)) {
            throw Refusal.invalid("cannot sort by " + field + "; use one of " + SORT_COLUMNS.keySet());
        }
    }

    String orderBy() {
        boolean descending = sort.startsWith("-");
        String column = SORT_COLUMNS.get(descending ? sort.substring(1) : sort);
        return column + (descending ? " DESC" : " ASC") + ", c.id ASC";
    }
}
