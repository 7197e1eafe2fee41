package org.visorfleet.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Messages an agent sends to the server over its WebSocket (one JSON text frame each, discriminated
 * by {@code "op"}).
 *
 * <p>Event sequence numbers start at 1 and grow by one per event for the life of the agent's data
 * directory; the server stores each at most once and acknowledges the highest it holds, so an agent
 * resends everything above the acknowledgement after a reconnect or failover.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = AgentMessage.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = AgentMessage.Event.class, name = "event"),
    @JsonSubTypes.Type(value = AgentMessage.CommandResult.class, name = "command-result"),
    @JsonSubTypes.Type(value = AgentMessage.GridStatus.class, name = "grid-status")
})
public sealed interface AgentMessage {

    /** First message on a new connection. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Hello(String agentVersion, Inventory inventory) implements AgentMessage {}

    /** Sent every heartbeat interval; answered by {@link ServerMessage.Pong} with the same seq. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Heartbeat(long seq, Inventory inventory) implements AgentMessage {}

    /**
     * Something that happened on the desktop.
     *
     * @param seq the agent's event sequence number (1, 2, 3, ...)
     * @param timeMillis when it happened, epoch milliseconds on the desktop's clock
     * @param name event name, e.g. {@code agent.failover}
     * @param detail human-readable detail
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Event(long seq, long timeMillis, String name, String detail) implements AgentMessage {}

    /**
     * The outcome of a {@link ServerMessage.Command}.
     *
     * @param commandId the command's id
     * @param ok true when the action ran (a {@code run} that exited non-zero is still ok; its exit
     *     code says how it went), false when it could not run or, for {@code run}, timed out
     * @param output a one-line summary for people ({@code "exit 3"}, {@code "timed out after 5 s"})
     * @param exitCode the process's exit status for {@code run} (124 when killed at its timeout), else null
     * @param stdout what {@code run} printed on standard output (at most 1 MiB, UTF-8; ends with
     *     {@code [truncated]} when cut), else null
     * @param stderr the same for standard error
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CommandResult(String commandId, boolean ok, String output, Integer exitCode, String stdout, String stderr)
            implements AgentMessage {

        /** A result without process output (ping, reboot, lock, ...). */
        public static CommandResult of(String commandId, boolean ok, String output) {
            return new CommandResult(commandId, ok, output, null, null, null);
        }
    }

    /**
     * The desktop's grid state, sent when it changes and every few seconds while the agent could
     * take work; the server assigns work units only to an agent whose last status says idle with a
     * free slot (so this doubles as the work request). Results go over HTTPS, see {@link GridResult}.
     *
     * @param idle true when the idle policy allows grid work (no user input for the configured time
     *     and non-grid CPU load below the threshold)
     * @param reason why not idle, or what makes it idle, for people ({@code "user active 12 s ago"})
     * @param running work units currently running (or suspended) on this agent
     * @param freeSlots how many more work units it would start now (0 when not idle)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record GridStatus(boolean idle, String reason, int running, int freeSlots) implements AgentMessage {}
}
