package org.visorfleet.server.api;

/** A route's answer: HTTP status and a body that becomes JSON (null for 204). */
public record Reply(int status, Object body) {

    public static Reply ok(Object body) {
        return new Reply(200, body);
    }

    public static Reply created(Object body) {
        return new Reply(201, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }

    /** A body sent as is, for the few answers that are not JSON (PEM files). */
    public record Raw(String contentType, String text) {}

    public static Reply raw(String contentType, String text) {
        return new Reply(200, new Raw(contentType, text));
    }
}
