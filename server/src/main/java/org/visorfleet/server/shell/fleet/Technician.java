package org.visorfleet.server.shell.fleet;

/**
 * The technician a fleet-shell session belongs to ({@code me()}).
 *
 * @param userId the technician's user id
 * @param name the sign-in name
 * @param role {@code viewer}, {@code helpdesk} or {@code admin}
 */
public record Technician(long userId, String name, String role) {

    @Override
    public String toString() {
        return name + " (" + role + ")";
    }
}
