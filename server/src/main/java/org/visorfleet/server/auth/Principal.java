package org.visorfleet.server.auth;

/** An authenticated technician. */
public record Principal(long userId, String name, Role role) {

    /** The actor recorded in events for this technician's actions. */
    public String actor() {
        return "user:" + name;
    }
}
