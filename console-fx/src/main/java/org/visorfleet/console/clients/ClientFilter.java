package org.visorfleet.console.clients;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Which clients the table shows and in what order, as the server's {@code GET /api/v1/clients}
 * parameters take them.
 *
 * @param status a status name, or null for all
 * @param group a group name, or null for all
 * @param search text in the name or hostname, or blank for all
 * @param sort a server sort field ({@code name}, {@code hostname}, {@code group}, {@code status},
 *     {@code lastSeen}, {@code enrolledAt}), {@code -} in front for descending
 */
record ClientFilter(String status, String group, String search, String sort) {

    /** Every client, by name. */
    static final ClientFilter ALL = new ClientFilter(null, null, "", "name");

    ClientFilter {
        search = search == null ? "" : search.strip();
        sort = sort == null ? "name" : sort;
    }

    ClientFilter withStatus(String value) {
        return new ClientFilter(value, group, search, sort);
    }

    ClientFilter withGroup(String value) {
        return new ClientFilter(status, value, search, sort);
    }

    ClientFilter withSearch(String value) {
        return new ClientFilter(status, group, value, sort);
    }

    ClientFilter withSort(String value) {
        return new ClientFilter(status, group, search, value);
    }

    /** The path and query of one page: {@code limit} rows from {@code offset}. */
    String path(int offset, int limit) {
        StringBuilder path = new StringBuilder("/api/v1/clients?sort=").append(encode(sort));
        if (status != null) {
            path.append("&status=").append(encode(status));
        }
        if (group != null) {
            path.append("&group=").append(encode(group));
        }
        if (!search.isEmpty()) {
            path.append("&q=").append(encode(search));
        }
        return path.append("&offset=")
                .append(offset)
                .append("&limit=")
                .append(limit)
                .toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
