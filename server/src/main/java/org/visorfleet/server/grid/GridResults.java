package org.visorfleet.server.grid;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.WireJson;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.api.AgentPrincipal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;

/**
 * Accepts a result an agent returns for one of its assignments: checks that it is the caller's,
 * that the body decodes, that the fingerprint matches the contents and that the signature verifies
 * with the caller's certificate key; stores the files (fsynced) and then commits the result and the
 * validator's verdict in one transaction. Only then is the result acknowledged, so an acknowledged
 * result survives a crash; an unacknowledged one is simply sent again, and a repeat changes nothing.
 */
public final class GridResults {

    /** The answer to the agent. */
    public record Accepted(boolean accepted, String validity) {}

    private static final Set<String> KINDS =
            Set.of(GridResult.EXITED, GridResult.KILLED, GridResult.LIMIT, GridResult.REJECTED, GridResult.ERROR);
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Database database;
    private final GridBlobs blobs;
    private final GridAgents agents;
    private final UnitJudge judge;
    private final EventLog events;
    private final ObjectMapper json;
    private final Clock clock;

    public GridResults(
            Database database,
            GridBlobs blobs,
            GridAgents agents,
            UnitJudge judge,
            EventLog events,
            ObjectMapper json,
            Clock clock) {
        this.database = database;
        this.blobs = blobs;
        this.agents = agents;
        this.judge = judge;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    private record Target(
            long unitId, long clientId, String status, String validity, String unitStatus, List<String> outputs) {}

    public Accepted accept(AgentPrincipal agent, long assignment, InputStream body) throws IOException, SQLException {
        Target target = database.query(c -> {
                    try (PreparedStatement ps = Sql.prepare(
                                    c,
                                    "SELECT a.unit_id, a.client_id, a.status, a.validity, u.status, j.outputs"
                                            + " FROM grid_assignments a JOIN grid_units u ON u.id = a.unit_id"
                                            + " JOIN grid_jobs j ON j.id = a.job_id WHERE a.id = ?",
                                    List.of(assignment));
                            ResultSet rs = ps.executeQuery()) {
                        return rs.next()
                                ? Optional.of(new Target(
                                        rs.getLong(1),
                                        rs.getLong(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        readList(rs.getString(6))))
                                : Optional.<Target>empty();
                    }
                })
                .orElseThrow(() -> Refusal.notFound("no assignment " + assignment));
        if (target.clientId() != agent.clientId()) {
            throw refuse(agent, assignment, Refusal.Kind.FORBIDDEN, "the assignment belongs to another client");
        }
        if (target.status().equals("returned")) {
            return new Accepted(true, target.validity()); // a repeat: already stored
        }
        GridResult result =
                switch (WireJson.decodeResult(body)) {
                    case WireJson.Decoded.Malformed<GridResult> m ->
                        throw refuse(agent, assignment, Refusal.Kind.INVALID, "malformed result: " + m.reason());
                    case WireJson.Decoded.Ok<GridResult>(GridResult r) -> r;
                };
        check(agent, assignment, result, target.outputs());
        if (target.unitStatus().equals("cancelled")) {
            throw new Refusal(Refusal.Kind.GONE, "the job was cancelled; the result is not needed");
        }
        Map<String, GridBlobs.Blob> files = new LinkedHashMap<>();
        files.put("stdout", blobs.put(result.stdout()));
        files.put("stderr", blobs.put(result.stderr()));
        for (var output : result.outputs().entrySet()) {
            files.put(output.getKey(), blobs.put(output.getValue()));
        }
        return database.transaction(c -> {
            UnitJudge.Unit unit = UnitJudge.lock(c, target.unitId());
            try (PreparedStatement ps = Sql.prepare(
                            c, "SELECT status, validity FROM grid_assignments WHERE id = ?", List.of(assignment));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1).equals("returned")) {
                    return new Accepted(true, rs.getString(2)); // a concurrent repeat won
                }
            }
            String detail = result.detail() == null ? "" : result.detail();
            Sql.update(
                    c,
                    "UPDATE grid_assignments SET status = 'returned', cancel_pending = FALSE, returned_at = ?,"
                            + " kind = ?, exit_status = ?, detail = ?, instructions = ?, sha256 = ?, signature = ?,"
                            + " validity = ? WHERE id = ?",
                    clock.millis(),
                    result.kind(),
                    result.exitStatus(),
                    detail.length() > 1024 ? detail.substring(0, 1024) : detail,
                    result.instructions(),
                    result.sha256(),
                    Base64.getEncoder().encodeToString(result.signature()),
                    result.deterministic() ? "pending" : "error",
                    assignment);
            for (var file : files.entrySet()) {
                Sql.update(
                        c,
                        "INSERT INTO grid_result_files (assignment_id, name, sha256, size_bytes) VALUES (?, ?, ?, ?)",
                        assignment,
                        file.getKey(),
                        file.getValue().sha256(),
                        file.getValue().size());
            }
            if (!result.deterministic()) {
                agents.error(c, agent.clientId());
                judge.settle(c, unit);
                return new Accepted(true, "error");
            }
            if (!unit.status().equals("open")) {
                return new Accepted(
                        true, judge.lateResult(c, unit, assignment, agent.clientId(), agent.name(), result.sha256()));
            }
            judge.settle(c, unit);
            try (PreparedStatement ps =
                            Sql.prepare(c, "SELECT validity FROM grid_assignments WHERE id = ?", List.of(assignment));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Accepted(true, rs.getString(1));
            }
        });
    }

    /** Everything about the body that can be checked without the database; a failure stores nothing. */
    private void check(AgentPrincipal agent, long assignment, GridResult result, List<String> outputs)
            throws SQLException {
        if (result.assignment() != assignment) {
            throw refuse(
                    agent,
                    assignment,
                    Refusal.Kind.INVALID,
                    "the result is for assignment " + result.assignment() + ", not " + assignment);
        }
        if (!KINDS.contains(result.kind())) {
            throw refuse(agent, assignment, Refusal.Kind.INVALID, "unknown result kind");
        }
        if (!result.sha256().equals(result.computedSha256())) {
            throw refuse(agent, assignment, Refusal.Kind.INVALID, "the fingerprint does not match the contents");
        }
        if (!result.verify(agent.publicKey())) {
            throw refuse(
                    agent,
                    assignment,
                    Refusal.Kind.INVALID,
                    "the signature does not verify with the client's certificate");
        }
        for (String name : result.outputs().keySet()) {
            if (!outputs.contains(name)) {
                throw refuse(agent, assignment, Refusal.Kind.INVALID, "output file not declared by the job");
            }
        }
    }

    /** Records {@code grid.result-refused} and returns the refusal to throw. */
    private Refusal refuse(AgentPrincipal agent, long assignment, Refusal.Kind kind, String why) throws SQLException {
        events.append(
                "grid.result-refused", "client:" + agent.name(), agent.name(), "assignment " + assignment + ": " + why);
        return new Refusal(kind, why).alreadyRecorded();
    }

    private List<String> readList(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (IOException e) {
            throw new IllegalStateException("grid_jobs.outputs is not a JSON list", e);
        }
    }
}
