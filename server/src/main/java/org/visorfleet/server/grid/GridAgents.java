package org.visorfleet.server.grid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;

/**
 * Per-client grid standing: credit (instructions retired in valid results), the validator's
 * verdicts, and the flag that keeps a client whose result was outvoted away from further work
 * until a technician clears it.
 */
public final class GridAgents {

    /** One client's standing as stored (a client that never got work has all zeros). */
    public record Standing(
            long clientId,
            String name,
            long credit,
            int valid,
            int invalid,
            int errors,
            boolean flagged,
            String flagReason,
            Long flaggedAt) {}

    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;
    private final EventLog events;
    private final Clock clock;
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    public GridAgents(Database database, EventLog events, Clock clock) {
        this.database = database;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Makes sure the client has a row, in its own statement: the transactions that later update it
     * then never fail on a concurrent insert (which would abort a PostgreSQL transaction).
     */
    public void ensure(long clientId, String name) throws SQLException {
        if (known.contains(clientId)) {
            return;
        }
        database.query(c -> {
            try {
                Sql.update(c, "INSERT INTO grid_agents (client_id, client_name) VALUES (?, ?)", clientId, name);
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
            return null;
        });
        known.add(clientId);
    }

    void valid(Connection c, long clientId, long instructions) throws SQLException {
        Sql.update(
                c,
                "UPDATE grid_agents SET credit = credit + ?, valid = valid + 1 WHERE client_id = ?",
                instructions,
                clientId);
    }

    void invalid(Connection c, long clientId) throws SQLException {
        Sql.update(c, "UPDATE grid_agents SET invalid = invalid + 1 WHERE client_id = ?", clientId);
    }

    void error(Connection c, long clientId) throws SQLException {
        Sql.update(c, "UPDATE grid_agents SET errors = errors + 1 WHERE client_id = ?", clientId);
    }

    /** Flags a client (once: a flagged one stays as it was) and records {@code grid.agent-flagged}. */
    void flag(Connection c, long clientId, String name, String reason) throws SQLException {
        String why = reason.length() > 1024 ? reason.substring(0, 1024) : reason;
        if (Sql.update(
                        c,
                        "UPDATE grid_agents SET flagged = TRUE, flag_reason = ?, flagged_at = ?"
                                + " WHERE client_id = ? AND flagged = FALSE",
                        why,
                        clock.millis(),
                        clientId)
                == 1) {
            events.append(c, "grid.agent-flagged", "grid", name, why);
        }
    }

    /** Clears a client's flag; false if it was not flagged. */
    public boolean unflag(long clientId, String name, String actor) throws SQLException {
        return database.transaction(c -> {
            if (Sql.update(
                            c,
                            "UPDATE grid_agents SET flagged = FALSE, flag_reason = NULL, flagged_at = NULL"
                                    + " WHERE client_id = ? AND flagged = TRUE",
                            clientId)
                    == 1) {
                events.append(c, "grid.agent-unflagged", actor, name, "may receive grid work again");
                return true;
            }
            return false;
        });
    }

    /** The flagged clients (asked once per scheduling round). */
    public Set<Long> flagged() throws SQLException {
        return database.query(c -> {
            Set<Long> ids = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT client_id FROM grid_agents WHERE flagged = TRUE");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
    }

    /** Every enrolled client with its standing, by name. */
    public List<Standing> list() throws SQLException {
        return database.query(c -> {
            List<Standing> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT c.id, c.name, g.credit, g.valid, g.invalid, g.errors, g.flagged, g.flag_reason,"
                                    + " g.flagged_at FROM clients c LEFT JOIN grid_agents g ON g.client_id = c.id"
                                    + " ORDER BY c.name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long flaggedAt = rs.getLong(9);
                    boolean noFlagTime = rs.wasNull();
                    out.add(new Standing(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getInt(4),
                            rs.getInt(5),
                            rs.getInt(6),
                            rs.getBoolean(7),
                            rs.getString(8),
                            noFlagTime ? null : flaggedAt));
                }
            }
            return out;
        });
    }
}
