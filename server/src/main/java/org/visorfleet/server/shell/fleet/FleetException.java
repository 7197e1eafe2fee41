package org.visorfleet.server.shell.fleet;

/**
 * Why the fleet refused or could not do what a snippet asked: an unknown name, missing rights, a
 * refused action, an unreachable database. The message is one line meant for the technician.
 */
public final class FleetException extends RuntimeException {

    public FleetException(String message) {
        super(message, null, false, false);
    }
}
