package org.visorfleet.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/** Messages the server sends to an agent over its WebSocket (discriminated by {@code "op"}). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = ServerMessage.EventAck.class, name = "event-ack"),
    @JsonSubTypes.Type(value = ServerMessage.Command.class, name = "command"),
    @JsonSubTypes.Type(value = ServerMessage.Work.class, name = "work"),
    @JsonSubTypes.Type(value = ServerMessage.WorkCancel.class, name = "work-cancel")
})
public sealed interface ServerMessage {

    /**
     * Answer to {@link AgentMessage.Hello}.
     *
     * @param clientName the name the fleet knows this desktop by
     * @param serverId which server answered
     * @param heartbeatMillis how often the agent should send heartbeats
     * @param ackedEventSeq the highest event sequence number the fleet already holds
     * @param sshPort the port of this server's SSH bastion, where the agent keeps its tunnel; 0 when
     *     the server runs none
     * @param sshHostKey the bastion's host key in OpenSSH form ({@code "ecdsa-sha2-nistp256 AAAA..."}),
     *     which the agent pins: it arrives over mutual TLS, so the SSH tunnel needs no trust on first use
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Welcome(
            String clientName,
            String serverId,
            long heartbeatMillis,
            long ackedEventSeq,
            int sshPort,
            String sshHostKey)
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

    /**
     * One replica of a grid work unit to run in the sandbox. Files are named by SHA-256 (lower-case
     * hex) and fetched over HTTPS from {@code GET /agent/v1/grid/blobs/{sha256}}; the agent checks
     * the hash. The result goes to {@code PUT /agent/v1/grid/results/{assignment}} as a
     * {@link GridResult}.
     *
     * @param assignment this replica's id; results name it
     * @param job the job's id
     * @param unit the work unit's index in the job (0, 1, ...)
     * @param programName the program's argv[0]
     * @param program SHA-256 of the ELF file
     * @param args argv[1..]
     * @param stdin SHA-256 of standard input, or null for an empty one
     * @param inputs input file name → SHA-256 (the program opens them by name)
     * @param outputs the output files the program may create; these are returned
     * @param instructionBudget instructions the run may retire
     * @param memoryBytes guest memory cap
     * @param outputBytes stdout, stderr and output files together
     * @param seed seed of everything random the program sees (the same for every replica)
     * @param deadlineMillis epoch milliseconds after which the server reissues the unit elsewhere
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Work(
            long assignment,
            long job,
            int unit,
            String programName,
            String program,
            List<String> args,
            String stdin,
            Map<String, String> inputs,
            List<String> outputs,
            long instructionBudget,
            long memoryBytes,
            long outputBytes,
            long seed,
            long deadlineMillis)
            implements ServerMessage {}

    /** Stop (and forget) a replica: its unit is decided, or its job was cancelled. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record WorkCancel(long assignment, String reason) implements ServerMessage {}
}
