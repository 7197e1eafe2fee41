package org.visorfleet.server.grid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;

/**
 * Decides a work unit from its replicas, inside the transaction that changed one of them (a result,
 * an error, a timeout). Every such transaction first locks the unit's row ({@link #lock}), so two
 * servers or threads never judge the same unit at once.
 *
 * <p>Deterministic results go to {@link QuorumValidator}; replicas that were wasted (errors, timeouts)
 * count against {@code maxResults} too, so the validator sees the budget that is really left. While
 * undecided, the unit keeps at least {@code replication} useful replicas (running or returned) and
 * as many more as the validator asks for; the scheduler hands out the difference.
 */
public final class UnitJudge {

    /** A unit's row and its job's validation parameters. */
    public record Unit(
            long id,
            long jobId,
            int index,
            String status,
            int issued,
            int wanted,
            String canonicalSha256,
            long canonicalInstructions,
            int replication,
            int quorum,
            int maxResults) {}

    /** One replica as the judge needs it. */
    record Replica(
            long id,
            long clientId,
            String clientName,
            String status,
            String sha256,
            long instructions,
            String validity) {

        boolean deterministicResult() {
            return status.equals("returned") && !validity.equals("error");
        }
    }

    private final GridAgents agents;
    private final EventLog events;
    private final Clock clock;

    public UnitJudge(GridAgents agents, EventLog events, Clock clock) {
        this.agents = agents;
        this.events = events;
        this.clock = clock;
    }

    /** Locks a unit's row for the rest of the transaction and reads it with its job's parameters. */
    public static Unit lock(Connection c, long unitId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(
                        c,
                        "SELECT id, job_id, unit_index, status, replicas_issued, replicas_wanted, canonical_sha256,"
                                + " canonical_instructions FROM grid_units WHERE id = ? FOR UPDATE",
                        List.of(unitId));
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no grid unit " + unitId);
            }
            long jobId = rs.getLong(2);
            try (PreparedStatement job = Sql.prepare(
                            c, "SELECT replication, quorum, max_results FROM grid_jobs WHERE id = ?", List.of(jobId));
                    ResultSet j = job.executeQuery()) {
                j.next();
                return new Unit(
                        rs.getLong(1),
                        jobId,
                        rs.getInt(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getString(7),
                        rs.getLong(8),
                        j.getInt(1),
                        j.getInt(2),
                        j.getInt(3));
            }
        }
    }

    /**
     * Judges an open unit after one of its replicas changed: decides it (valid or failed) or makes
     * sure enough replicas are wanted. Decided units are left alone.
     */
    public void settle(Connection c, Unit unit) throws SQLException {
        if (!unit.status().equals("open")) {
            return;
        }
        List<Replica> replicas = replicas(c, unit.id());
        List<QuorumValidator.Result> results = new ArrayList<>();
        Map<Long, Replica> byClient = new HashMap<>();
        int running = 0;
        for (Replica r : replicas) {
            byClient.put(r.clientId(), r);
            if (r.status().equals("running")) {
                running++;
            } else if (r.deterministicResult()) {
                results.add(new QuorumValidator.Result(Long.toString(r.clientId()), r.sha256(), r.instructions()));
            }
        }
        int wasted = unit.issued() - results.size() - running;
        int budget = unit.maxResults() - wasted;
        QuorumValidator.Verdict verdict = budget < unit.quorum()
                ? new QuorumValidator.Verdict.Failed(
                        wasted + " of at most " + unit.maxResults() + " replicas failed or timed out")
                : QuorumValidator.judge(results, unit.quorum(), budget);
        switch (verdict) {
            case QuorumValidator.Verdict.Valid valid -> decideValid(c, unit, valid, byClient);
            case QuorumValidator.Verdict.Failed failed -> decideFailed(c, unit, failed.why());
            case QuorumValidator.Verdict.NeedMore more -> {
                int useful = running + results.size() + (unit.wanted() - unit.issued());
                int need = Math.max(unit.replication(), results.size() + more.more());
                int wanted = Math.min(unit.wanted() + Math.max(0, need - useful), unit.maxResults());
                if (wanted > unit.wanted()) {
                    Sql.update(c, "UPDATE grid_units SET replicas_wanted = ? WHERE id = ?", wanted, unit.id());
                }
            }
        }
    }

    /** Judges a result that arrived after its unit was decided valid: it must match the canonical one. */
    public String lateResult(Connection c, Unit unit, long assignment, long clientId, String clientName, String sha)
            throws SQLException {
        if (!unit.status().equals("valid")) {
            return "pending"; // a failed unit: nothing to compare with
        }
        if (unit.canonicalSha256().equals(sha)) {
            setValidity(c, assignment, "valid");
            agents.valid(c, clientId, unit.canonicalInstructions());
            return "valid";
        }
        loser(c, unit, assignment, clientId, clientName);
        return "invalid";
    }

    private void decideValid(Connection c, Unit unit, QuorumValidator.Verdict.Valid valid, Map<Long, Replica> byClient)
            throws SQLException {
        Replica canonical = byClient.get(Long.parseLong(valid.canonical().agent()));
        long instructions = valid.canonical().instructions();
        Sql.update(
                c,
                "UPDATE grid_units SET status = 'valid', canonical_assignment = ?, canonical_sha256 = ?,"
                        + " canonical_instructions = ?, decided_at = ? WHERE id = ?",
                canonical.id(),
                canonical.sha256(),
                instructions,
                clock.millis(),
                unit.id());
        for (String agent : valid.agreeing()) {
            Replica r = byClient.get(Long.parseLong(agent));
            setValidity(c, r.id(), "valid");
            agents.valid(c, r.clientId(), instructions);
        }
        for (String agent : valid.losers()) {
            Replica r = byClient.get(Long.parseLong(agent));
            loser(c, unit, r.id(), r.clientId(), r.clientName());
        }
        cancelRunning(c, unit.id());
        jobProgress(c, unit.jobId(), true);
    }

    private void decideFailed(Connection c, Unit unit, String why) throws SQLException {
        String reason = why.length() > 1024 ? why.substring(0, 1024) : why;
        Sql.update(
                c,
                "UPDATE grid_units SET status = 'failed', failure = ?, decided_at = ? WHERE id = ?",
                reason,
                clock.millis(),
                unit.id());
        cancelRunning(c, unit.id());
        events.append(
                c, "grid.unit-failed", "grid", null, "job " + unit.jobId() + " unit " + unit.index() + ": " + why);
        jobProgress(c, unit.jobId(), false);
    }

    private void loser(Connection c, Unit unit, long assignment, long clientId, String clientName) throws SQLException {
        setValidity(c, assignment, "invalid");
        agents.invalid(c, clientId);
        String what = "job " + unit.jobId() + " unit " + unit.index() + " assignment " + assignment;
        events.append(c, "grid.result-invalid", "grid", clientName, what + ": disagrees with the quorum");
        agents.flag(c, clientId, clientName, "returned a result that disagrees with the quorum (" + what + ")");
    }

    private static void setValidity(Connection c, long assignment, String validity) throws SQLException {
        Sql.update(c, "UPDATE grid_assignments SET validity = ? WHERE id = ?", validity, assignment);
    }

    /** Replicas still running are no longer needed; agents hear of it from {@link CancelNotices}. */
    static void cancelRunning(Connection c, long unitId) throws SQLException {
        Sql.update(
                c,
                "UPDATE grid_assignments SET status = 'cancelled', cancel_pending = TRUE"
                        + " WHERE unit_id = ? AND status = 'running'",
                unitId);
    }

    /** Counts a decided unit on its job and marks the job done when it was the last open one. */
    private void jobProgress(Connection c, long jobId, boolean valid) throws SQLException {
        Sql.update(
                c,
                "UPDATE grid_jobs SET units_open = units_open - 1, units_valid = units_valid + ?,"
                        + " units_failed = units_failed + ? WHERE id = ? AND status = 'running'",
                valid ? 1 : 0,
                valid ? 0 : 1,
                jobId);
        try (PreparedStatement ps = Sql.prepare(
                        c,
                        "SELECT status, units_open, units_valid, units_failed, name FROM grid_jobs WHERE id = ?",
                        List.of(jobId));
                ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getString(1).equals("running") && rs.getInt(2) == 0) {
                Sql.update(
                        c,
                        "UPDATE grid_jobs SET status = 'done', finished_at = ? WHERE id = ? AND status = 'running'",
                        clock.millis(),
                        jobId);
                events.append(
                        c,
                        "job.done",
                        "grid",
                        null,
                        "job " + jobId + " (" + rs.getString(5) + "): " + rs.getInt(3) + " units valid, " + rs.getInt(4)
                                + " failed");
            }
        }
    }

    static List<Replica> replicas(Connection c, long unitId) throws SQLException {
        List<Replica> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(
                        c,
                        "SELECT id, client_id, client_name, status, sha256, instructions, validity"
                                + " FROM grid_assignments WHERE unit_id = ? ORDER BY returned_at, id",
                        List.of(unitId));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Replica(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getString(7)));
            }
        }
        return out;
    }
}
