package org.visorfleet.console.api;

import java.util.Locale;

/** The states a client (desktop) can be in, as the server's {@code /api/v1/clients?status=} filter names them. */
public enum ClientStatus {
    ONLINE,
    UNREACHABLE,
    OFFLINE,
    REVOKED,
    ENROLLED;

    /** The name the API uses, e.g. {@code online}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
