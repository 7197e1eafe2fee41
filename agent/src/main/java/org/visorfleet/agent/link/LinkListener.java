package org.visorfleet.agent.link;

/** Notified when the agent's link comes up on a server or goes down. Called from the link's thread. */
public interface LinkListener {

    /** The server welcomed the agent. */
    default void online(String serverUrl, String serverId) {}

    /** The link to {@code serverUrl} ended ({@code reason} says why). */
    default void offline(String serverUrl, String reason) {}

    /**
     * The server answered heartbeat {@code seq}; {@code roundTripNanos} runs from just before the
     * heartbeat was handed to the socket until the link's loop took the pong off its queue.
     */
    default void heartbeatAnswered(long seq, long roundTripNanos) {}

    LinkListener NONE = new LinkListener() {};
}
