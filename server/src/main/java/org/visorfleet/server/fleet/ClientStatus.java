package org.visorfleet.server.fleet;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a client stands: {@code enrolled} (never connected), {@code online}, {@code unreachable}
 * (missed heartbeats or its server died), {@code offline} (the agent said goodbye), {@code revoked}.
 */
public enum ClientStatus {
    ENROLLED,
    ONLINE,
    UNREACHABLE,
    OFFLINE,
    REVOKED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ClientStatus> fromWireName(String name) {
        for (ClientStatus status : values()) {
            if (status.wireName().equals(name)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
