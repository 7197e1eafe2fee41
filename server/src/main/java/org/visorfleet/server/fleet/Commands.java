package org.visorfleet.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;

/**
 * Commands for agents, kept in the database so that any server can accept one and the server
 * holding the client's connection delivers it: {@code pending} (created), {@code sent} (claimed and
 * written to the socket), then {@code done}, {@code failed} or {@code expired} (not answered in
 * time, e.g. the client stayed offline).
 */
public final class Commands {

    /** The actions agents understand. */
    public static final Set<String> ACTIONS = Set.of("ping");

    public static final Duration LIFETIME = Duration.ofMinutes(10);

    /** A command as the API shows it. */
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
            String output) {}

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

    public long create(Connection c, Clients.Identity client, String action, Map<String, String> args, String actor)
            throws SQLException {
        if (action == null || !ACTIONS.contains(action)) {
            throw Refusal.invalid("action must be one of " + ACTIONS);
        }
        if (client.revoked()) {
            throw Refusal.conflict("client " + client.name() + " is revoked");
        }
        String argsJson;
        try {
            argsJson = json.writeValueAsString(args == null ? Map.of() : args);
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
            ps.setString(4, actor);
            ps.setLong(5, now);
            ps.setLong(6, now + LIFETIME.toMillis());
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

    /** Records an agent's answer; returns false for an unknown command or one of another client. */
    public boolean finish(long id, long clientId, boolean ok, String output) throws SQLException {
        String text = output == null ? "" : output.length() > 4096 ? output.substring(0, 4096) : output;
        return database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE commands SET finished_at = ?, ok = ?, output = ?"
                    + " WHERE id = ? AND client_id = ? AND finished_at IS NULL")) {
                ps.setLong(1, clock.millis());
                ps.setBoolean(2, ok);
                ps.setString(3, text);
                ps.setLong(4, id);
                ps.setLong(5, clientId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public List<CommandView> list(String clientName, Long id) throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, k.name, m.action, m.args, m.created_by,"
                    + " m.created_at, m.expires_at, m.sent_at, m.finished_at, m.ok, m.output FROM commands m"
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
                rs.getString(11));
    }

    private Map<String, String> args(String text) {
        try {
            return json.readValue(text, ARGS);
        } catch (JsonProcessingException e) {
            return Map.of(); // written by this class from a Map; unreadable means none
        }
    }
}
