package org.visorfleet.server.shell.fleet;

import java.time.Instant;

/**
 * One entry of the fleet's event and audit log.
 *
 * @param actor who caused it: {@code user:NAME}, {@code client:NAME}, {@code server:ID}
 * @param client the client concerned, or null
 */
public record Event(long id, Instant time, String type, String actor, String client, String detail) {

    @Override
    public String toString() {
        return time + " " + type + " " + actor + (client == null ? "" : " " + client)
                + (detail.isEmpty() ? "" : ": " + detail);
    }
}
