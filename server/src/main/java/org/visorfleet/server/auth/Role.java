package org.visorfleet.server.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What a technician may do. Each role includes the rights of the ones below it: {@code viewer} reads
 * the fleet and its events; {@code helpdesk} also enrolls, revokes and groups clients; {@code admin}
 * also manages users and deletes clients.
 */
public enum Role {
    VIEWER,
    HELPDESK,
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
