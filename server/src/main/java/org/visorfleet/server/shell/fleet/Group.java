package org.visorfleet.server.shell.fleet;

import java.util.List;

/**
 * A client group and its remote policy.
 *
 * @param remoteRole the lowest role that may run actions on its clients
 * @param consent whether the desktop's user must consent to an interactive session
 * @param size how many clients it held when it was read
 */
public record Group(String name, String description, String remoteRole, boolean consent, long size) {

    /** The group's clients, read now. */
    public List<Client> clients() {
        return FleetSession.current().backend().clients(name);
    }

    @Override
    public String toString() {
        return name + " (" + size + (size == 1 ? " client" : " clients") + ", remote " + remoteRole
                + (consent ? ", consent" : "") + ")";
    }
}
