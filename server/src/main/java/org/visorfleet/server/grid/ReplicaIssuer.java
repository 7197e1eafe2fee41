package org.visorfleet.server.grid;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Hands out one more replica of a unit to one client, atomically in the database: the unit's
 * {@code replicas_issued} is raised only while it is below {@code replicas_wanted} (a conditional
 * UPDATE, which row-locks the unit), and {@code UNIQUE (unit_id, client_id)} refuses a second
 * replica for the same client. So servers sharing the database never over-issue.
 */
public final class ReplicaIssuer {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Database database;
    private final ObjectMapper json;
    private final Clock clock;

    public ReplicaIssuer(Database database, ObjectMapper json, Clock clock) {
        this.database = database;
        this.json = json;
        this.clock = clock;
    }

    /** Whether any open unit wants another replica: one cheap query before asking per agent. */
    public boolean anyWanted() throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM grid_units" + " WHERE status = 'open' AND replicas_issued < replicas_wanted")) {
                ps.setMaxRows(1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Open units still wanting replicas that {@code clientId} has none of, oldest job and lowest index first. */
    public List<Long> candidates(long clientId, int limit) throws SQLException {
        return database.query(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT u.id FROM grid_units u JOIN grid_jobs j ON j.id = u.job_id"
                            + " WHERE u.status = 'open' AND j.status = 'running'"
                            + " AND u.replicas_issued < u.replicas_wanted AND NOT EXISTS"
                            + " (SELECT 1 FROM grid_assignments a WHERE a.unit_id = u.id AND a.client_id = ?)"
                            + " ORDER BY u.job_id, u.unit_index",
                    List.of(clientId))) {
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    /** Issues a replica of {@code unitId} to the client: the work to send, or empty if none is left for it. */
    public Optional<ServerMessage.Work> issue(long unitId, long clientId, String clientName) throws SQLException {
        try {
            return database.transaction(c -> issue(c, unitId, clientId, clientName));
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return Optional.empty(); // the client got this unit through another server meanwhile
            }
            throw e;
        }
    }

    private Optional<ServerMessage.Work> issue(Connection c, long unitId, long clientId, String clientName)
            throws SQLException {
        if (Sql.update(
                        c,
                        "UPDATE grid_units SET replicas_issued = replicas_issued + 1"
                                + " WHERE id = ? AND status = 'open' AND replicas_issued < replicas_wanted",
                        unitId)
                != 1) {
            return Optional.empty();
        }
        try (PreparedStatement ps = Sql.prepare(
                        c,
                        "SELECT j.id, u.unit_index, j.program_name, j.program, u.spec, j.outputs,"
                                + " j.instruction_budget, j.memory_mb, j.output_mb, u.seed, j.deadline_seconds"
                                + " FROM grid_units u JOIN grid_jobs j ON j.id = u.job_id WHERE u.id = ?",
                        List.of(unitId));
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            long now = clock.millis();
            long deadline = now + rs.getLong(11) * 1000;
            long jobId = rs.getLong(1);
            JobSpec.UnitSpec spec = json.readValue(rs.getString(5), JobSpec.UnitSpec.class);
            long assignment = insert(c, unitId, jobId, clientId, clientName, now, deadline);
            return Optional.of(new ServerMessage.Work(
                    assignment,
                    jobId,
                    rs.getInt(2),
                    rs.getString(3),
                    rs.getString(4),
                    spec.args(),
                    spec.stdin(),
                    spec.inputs(),
                    json.readValue(rs.getString(6), STRINGS),
                    rs.getLong(7),
                    (long) rs.getInt(8) << 20,
                    (long) rs.getInt(9) << 20,
                    rs.getLong(10),
                    deadline));
        } catch (IOException e) {
            throw new SQLException("unreadable unit " + unitId + ": " + e.getMessage(), e);
        }
    }

    private static long insert(
            Connection c, long unitId, long jobId, long clientId, String clientName, long now, long deadline)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO grid_assignments (unit_id, job_id, client_id, client_name, issued_at, deadline_at,"
                        + " status, validity) VALUES (?, ?, ?, ?, ?, ?, 'running', 'pending')",
                new String[] {"id"})) {
            ps.setLong(1, unitId);
            ps.setLong(2, jobId);
            ps.setLong(3, clientId);
            ps.setString(4, clientName);
            ps.setLong(5, now);
            ps.setLong(6, deadline);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}
