package org.visorfleet.agent.link;

/** Notified when the agent's link comes up on a server or goes down. Called from the link's thread. */
public interface LinkListener {

    /** The server welcomed the agent. */
    default void online(String serverUrl, String serverId) {}

    /** The link to {@code serverUrl} ended ({@code reason} says why). */
    default void offline(String serverUrl, String reason) {}

    LinkListener NONE = new LinkListener() {};
}
