package org.visorfleet.console.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One entry of the server's event log, as {@code GET /api/v1/events} and the event stream give it.
 *
 * @param id position in the log
 * @param time epoch milliseconds
 * @param type e.g. {@code client.online}, {@code user.login}, {@code command.done}
 * @param actor who caused it: {@code user:NAME}, {@code client:NAME}, {@code server:ID} or an address
 * @param client the client concerned, or null
 * @param detail human-readable detail
 * @param server the server that recorded it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FleetEvent(long id, long time, String type, String actor, String client, String detail, String server) {

    /** {@link #time} as an instant. */
    public Instant instant() {
        return Instant.ofEpochMilli(time);
    }

    /** Parses one event; a clear {@link ApiException} for anything that is not one. */
    public static FleetEvent parse(String json) throws ApiException {
        try {
            FleetEvent event = FleetApi.JSON.readValue(json, FleetEvent.class);
            if (event.type() == null) {
                throw new ApiException(0, "an event without a type");
            }
            return event;
        } catch (java.io.IOException e) {
            throw new ApiException(0, "not an event: " + FleetApi.describe(e));
        }
    }
}
