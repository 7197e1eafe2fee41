package org.visorfleet.server.events;

/**
 * A page of the event log, newest first unless {@code ascending}.
 *
 * @param type exact type, or a prefix ending in {@code .} (e.g. {@code client.}); null for all
 * @param client client name or null
 * @param actor actor or null
 * @param afterId only events with a larger id (a cursor), or 0
 * @param beforeId only events with a smaller id, or 0 for no limit
 * @param limit page size, 1..1000
 */
public record EventQuery(
        String type, String client, String actor, long afterId, long beforeId, int limit, boolean ascending) {

    public EventQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000");
        }
    }
}
