package org.visorfleet.server.fleet;

/** The agents connected to this server, as far as fleet administration needs them. */
public interface LiveConnections {

    /** Closes the client's connection on this server, if it has one. */
    void disconnect(String clientName, String reason);
}
