package org.visorfleet.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/** Messages the server sends to an agent over its WebSocket (discriminated by {@code "op"}). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = ServerMessage.EventAck.class, name = "event-ack"),
    @JsonSubTypes.Type(value = ServerMessage.Command.class, name = "command")
})
public sealed interface ServerMessage {

    /**
     * Answer to {@link AgentMessage.Hello}.
     *
     * @param clientName the name the fleet knows this desktop by
     * @param serverId which server answered
     * @param heartbeatMillis how often the agent should send heartbeats
     * @param ackedEventSeq the highest event sequence number the fleet already holds
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Welcome(String clientName, String serverId, long heartbeatMillis, long ackedEventSeq)
            implements ServerMessage {}

    /** Answer to a heartbeat. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pong(long seq) implements ServerMessage {}

    /** Every event up to and including {@code seq} is stored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record EventAck(long seq) implements ServerMessage {}

    /** Something the server wants done on the desktop. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Command(String id, String action, Map<String, String> args) implements ServerMessage {}
}
