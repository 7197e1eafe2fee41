package org.visorfleet.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.db.Database;

/**
 * Commands for agents, kept in the database so that any server can accept one and the server
 * holding the client's connection delivers it: {@code pending} (created), {@code sent} (claimed and
 * written to the socket), then {@code done}, {@code failed} or {@code expired} (not answered in
 * time, e.g. the client stayed offline).
 *
 * <p>{@code done} means the agent carried the action out; {@code failed} that it could not (or, for
 * {@code run}, that the command was killed at its timeout, exit code 124). A {@code run} whose command
 * exited non-zero is {@code done}: the exit code says how it went, as it would in a terminal.
 *
 * <p>A command expires {@link #LIFETIME} after it was created, plus a {@code run}'s timeout, so a long
 * run that was delivered in time can still finish.
 */
public final class Commands {

    /** The actions agents understand (see {@link CommandArgs} for their arguments). */
    public static final Set<String> ACTIONS = CommandArgs.ACTIONS.keySet();

    /** Longest stdout or stderr stored (the columns' size). */
    public static final int MAX_OUTPUT = 1 << 20;

    public static final Duration LIFETIME = Duration.ofMinutes(10);

    /**
     * A command as the API shows it. {@code exitCode}, {@code stdout} and {@code stderr} are set once a
     * process-running action finished; lists leave {@code stdout} and {@code stderr} out (null).
     */
    public record CommandView(
            long id,
            String client,
            String action,
            Map<String, String> args,
            String status,
            String createdBy,
            long createdAt,
            Long sentAt,
            Long finishedAt,
            String output,
            Integer exitCode,
            String stdout,
            String stderr) {}

    /** A command ready to go out on a connection. */
    public record Outgoing(long id, long clientId, String action, Map<String, String> args) {}

    private static final TypeReference<Map<String, String>> ARGS = new TypeReference<>() {};

    private final Database database;
    private final Clock clock;
    private final ObjectMapper json;

    public Commands(Database database, Clock clock, ObjectMapper json) {
        this.database = database;
        this.clock = clock;
        this.json = json;
    }

    /**
     * Queues a command for {@code client} on behalf of {@code who}. Refused (nothing stored) when the
     * action or its arguments are wrong (400), the client is revoked (409) or, for anything but {@code
     * ping}, {@code who} may not reach it ({@link RemoteAccess}, 403).
     */
    public long create(Connection c, Principal who, Clients.Identity client, String action, Map<String, String> args)
            throws SQLException {
        Map<String, String> checked = CommandArgs.check(action, args);
        if (action.equals("ping")) {
            if (client.revoked()) {
                throw Refusal.conflict("client " + client.name() + " is revoked");
            }
        } else {
            RemoteAccess.require(c, who, client);
        }
        long lifetime = LIFETIME.toMillis() + (action.equals("run") ? CommandArgs.timeoutOf(checked) * 1000L : 0);
        String argsJson;
        try {
            argsJson = json.writeValueAsString(checked);
        } catch (JsonProcessingException e) {
            throw Refusal.invalid("args must be an object of strings");
        }
        if (argsJson.length() > 4096) {
            throw Refusal.invalid("args longer than 4096 characters");
        }
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO commands (client_id, action, args, created_by, created_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setLong(1, client.id());
            ps.setString(2, action);
            ps.setString(3, argsJson);
            ps.setString(4, who.actor());
            ps.setLong(5, now);
            ps.setLong(6, now + lifetime);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Claims the undelivered, unexpired commands of clients connected to {@code serverId}; each row
     * is claimed by exactly one server (the update is conditional on {@code sent_at IS NULL}).
     */
    public List<Outgoing> claim(String serverId) throws SQLException {
        long now = clock.millis();
        return database.transaction(c -> {
            List<Outgoing> candidates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, m.client_id, m.action, m.args FROM commands m"
                    + " JOIN clients k ON k.id = m.client_id WHERE m.sent_at IS NULL AND m.expires_at > ?"
                    + " AND k.server_id = ? AND k.status = 'online' ORDER BY m.id")) {
                ps.setLong(1, now);
                ps.setString(2, serverId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(
                                new Outgoing(rs.getLong(1), rs.getLong(2), rs.getString(3), args(rs.getString(4))));
                    }
                }
            }
            List<Outgoing> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE commands SET sent_at = ?, sent_by = ? WHERE id = ? AND sent_at IS NULL")) {
                for (Outgoing command : candidates) {
                    ps.setLong(1, now);
                    ps.setString(2, serverId);
                    ps.setLong(3, command.id());
                    if (ps.executeUpdate() == 1) {
                        claimed.add(command);
                    }
                }
            }
            return claimed;
        });
    }

    /** Puts a claimed command back (its client was not connected here after all). */
    public void unclaim(long id) throws SQLException {
        database.transaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE commands SET sent_at = NULL, sent_by = NULL WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records an agent's answer (the first one: repeats after a reconnect are ignored); returns the
     * command's action, or empty for an unknown command, one of another client or one already answered.
     */
    public Optional<String> finish(long id, long clientId, AgentMessage.CommandResult result) throws SQLException {
        return database.transaction(c -> {
            String action;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT action FROM commands WHERE id = ? AND client_id = ? AND finished_at IS NULL")) {
                ps.setLong(1, id);
                ps.setLong(2, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    action = rs.getString(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE commands SET finished_at = ?, ok = ?, output = ?,"
                            + " exit_code = ?, stdout = ?, stderr = ? WHERE id = ? AND client_id = ? AND finished_at IS NULL")) {
                ps.setLong(1, clock.millis());
                ps.setBoolean(2, result.ok());
                ps.setString(3, cut(result.output(), 4096));
                if (result.exitCode() == null) {
                    ps.setNull(4, Types.INTEGER);
                } else {
                    ps.setInt(4, result.exitCode());
                }
                ps.setString(5, result.stdout() == null ? null : cut(result.stdout(), MAX_OUTPUT));
                ps.setString(6, result.stderr() == null ? null : cut(result.stderr(), MAX_OUTPUT));
                ps.setLong(7, id);
                ps.setLong(8, clientId);
                return ps.executeUpdate() == 1 ? Optional.of(action) : Optional.<String>empty();
            }
        });
    }

    private static String cut(String text, int max) {
        return text == null ? "" : text.length() > max ? text.substring(0, max) : text;
    }

    /**
     * A client's latest 100 commands, newest first, without their stdout and stderr; or, with {@code
     * id}, that one command with them.
     */
    public List<CommandView> list(String clientName, Long id) throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, k.name, m.action, m.args, m.created_by,"
                    + " m.created_at, m.expires_at, m.sent_at, m.finished_at, m.ok, m.output, m.exit_code,"
                    + (id == null ? " NULL, NULL" : " m.stdout, m.stderr") + " FROM commands m"
                    + " JOIN clients k ON k.id = m.client_id WHERE k.name = ?"
                    + (id == null ? "" : " AND m.id = ?") + " ORDER BY m.id DESC LIMIT 100")) {
                ps.setString(1, clientName);
                if (id != null) {
                    ps.setLong(2, id);
                }
                List<CommandView> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    private CommandView read(ResultSet rs) throws SQLException {
        long sent = rs.getLong(8);
        Long sentAt = rs.wasNull() ? null : sent;
        long finished = rs.getLong(9);
        Long finishedAt = rs.wasNull() ? null : finished;
        boolean ok = rs.getBoolean(10);
        int exit = rs.getInt(12);
        Integer exitCode = rs.wasNull() ? null : exit;
        String status;
        if (finishedAt != null) {
            status = ok ? "done" : "failed";
        } else if (rs.getLong(7) <= clock.millis()) {
            status = "expired";
        } else {
            status = sentAt != null ? "sent" : "pending";
        }
        return new CommandView(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                args(rs.getString(4)),
                status,
                rs.getString(5),
                rs.getLong(6),
                sentAt,
                finishedAt,
                rs.getString(11),
                exitCode,
                rs.getString(13),
                rs.getString(14));
    }

    private Map<String, String> args(String text) {
        try {
            return json.readValue(text, ARGS);
        } catch (JsonProcessingException e) {
            return Map.of(); // written by this class from a Map; unreadable means none
        }
    }
}
