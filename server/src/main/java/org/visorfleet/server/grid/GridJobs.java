package org.visorfleet.server.grid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;

/** Jobs as technicians see them: submission, listings, per-unit results, cancellation. */
public final class GridJobs {

    /** A job in a listing. {@code unitsRunning} counts units not yet decided. */
    public record JobSummary(
            long id,
            String name,
            String status,
            int unitsTotal,
            int unitsValid,
            int unitsFailed,
            int unitsRunning,
            String submittedBy,
            long submittedAt,
            Long finishedAt) {}

    /** A job with its parameters. */
    public record JobView(
            long id,
            String name,
            String status,
            int unitsTotal,
            int unitsValid,
            int unitsFailed,
            int unitsRunning,
            int unitsCancelled,
            String submittedBy,
            long submittedAt,
            Long finishedAt,
            String program,
            String programName,
            List<String> outputs,
            int replication,
            int quorum,
            int maxResults,
            long deadlineSeconds,
            long instructionBudget,
            int memoryMb,
            int outputMb) {}

    /** One replica of a unit. */
    public record ReplicaView(
            long assignment,
            String client,
            String status,
            String validity,
            String kind,
            Integer exitStatus,
            Long instructions,
            String sha256,
            long issuedAt,
            long deadlineAt,
            Long returnedAt) {}

    /** One unit with its replicas. */
    public record UnitView(
            int index,
            String status,
            String canonicalSha256,
            int replicasIssued,
            String failure,
            List<ReplicaView> replicas) {}

    /** A canonical result file to download. */
    public record ResultFile(String sha256, long size) {}

    private static final String JOB_COLUMNS = "id, name, status, units_total, units_valid, units_failed, units_open,"
            + " submitted_by, submitted_at, finished_at, program, program_name, outputs, replication, quorum,"
            + " max_results, deadline_seconds, instruction_budget, memory_mb, output_mb";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Database database;
    private final EventLog events;
    private final ObjectMapper json;
    private final Clock clock;

    public GridJobs(Database database, EventLog events, ObjectMapper json, Clock clock) {
        this.database = database;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /** Stores a checked job with all its units; every referenced file must be stored already. */
    public JobView submit(JobSpec spec, String actor) throws SQLException {
        long id = database.transaction(c -> {
            for (String sha : spec.files()) {
                if (GridBlobs.size(c, sha).isEmpty()) {
                    throw Refusal.invalid("file " + sha + " is not stored; upload it first (POST /api/v1/grid/files)");
                }
            }
            long now = clock.millis();
            long jobId = insertJob(c, spec, actor, now);
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO grid_job_files (job_id, sha256) VALUES (?, ?)")) {
                for (String sha : spec.files()) {
                    ps.setLong(1, jobId);
                    ps.setString(2, sha);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO grid_units (job_id, unit_index, spec, seed, status, replicas_wanted)"
                            + " VALUES (?, ?, ?, ?, 'open', ?)")) {
                for (int i = 0; i < spec.units().size(); i++) {
                    JobSpec.UnitSpec unit = spec.units().get(i);
                    ps.setLong(1, jobId);
                    ps.setInt(2, i);
                    ps.setString(3, write(unit));
                    ps.setLong(4, unit.seed() != null ? unit.seed() : derivedSeed(jobId, i));
                    ps.setInt(5, spec.replication());
                    ps.addBatch();
                    if (i % 500 == 499) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            events.append(
                    c,
                    "job.submitted",
                    actor,
                    null,
                    "job " + jobId + " (" + spec.name() + "): " + spec.units().size() + " units x " + spec.replication()
                            + " replicas, quorum " + spec.quorum());
            return jobId;
        });
        return require(id);
    }

    /**
     * The seed of a unit that names none: SplitMix64 of the job id and the unit's index, so every
     * replica of the unit sees the same randomness and different units see different randomness.
     */
    static long derivedSeed(long jobId, int index) {
        long z = jobId * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private long insertJob(Connection c, JobSpec spec, String actor, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO grid_jobs (name, status, program, program_name, outputs, replication, quorum,"
                        + " max_results, deadline_seconds, instruction_budget, memory_mb, output_mb, units_total,"
                        + " units_open, submitted_by, submitted_at) VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setString(1, spec.name());
            ps.setString(2, spec.program());
            ps.setString(3, spec.programName());
            ps.setString(4, write(spec.outputs()));
            ps.setInt(5, spec.replication());
            ps.setInt(6, spec.quorum());
            ps.setInt(7, spec.maxResults());
            ps.setLong(8, spec.deadlineSeconds());
            ps.setLong(9, spec.instructionBudget());
            ps.setInt(10, spec.memoryMb());
            ps.setInt(11, spec.outputMb());
            ps.setInt(12, spec.units().size());
            ps.setInt(13, spec.units().size());
            ps.setString(14, actor);
            ps.setLong(15, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Every job, newest first. */
    public List<JobSummary> list() throws SQLException {
        return database.query(c -> {
            List<JobSummary> out = new ArrayList<>();
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM grid_jobs ORDER BY id DESC");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JobView v = view(rs);
                    out.add(new JobSummary(
                            v.id(),
                            v.name(),
                            v.status(),
                            v.unitsTotal(),
                            v.unitsValid(),
                            v.unitsFailed(),
                            v.unitsRunning(),
                            v.submittedBy(),
                            v.submittedAt(),
                            v.finishedAt()));
                }
            }
            return out;
        });
    }

    public JobView require(long id) throws SQLException {
        return database.query(c -> find(c, id)).orElseThrow(() -> Refusal.notFound("no job " + id));
    }

    private Optional<JobView> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps =
                        Sql.prepare(c, "SELECT " + JOB_COLUMNS + " FROM grid_jobs WHERE id = ?", List.of(id));
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(view(rs)) : Optional.empty();
        }
    }

    private JobView view(ResultSet rs) throws SQLException {
        long finished = rs.getLong(10);
        Long finishedAt = rs.wasNull() ? null : finished;
        String status = rs.getString(3);
        int total = rs.getInt(4);
        int valid = rs.getInt(5);
        int failed = rs.getInt(6);
        int open = status.equals("cancelled") ? 0 : rs.getInt(7);
        return new JobView(
                rs.getLong(1),
                rs.getString(2),
                status,
                total,
                valid,
                failed,
                open,
                total - valid - failed - open,
                rs.getString(8),
                rs.getLong(9),
                finishedAt,
                rs.getString(11),
                rs.getString(12),
                read(rs.getString(13)),
                rs.getInt(14),
                rs.getInt(15),
                rs.getInt(16),
                rs.getLong(17),
                rs.getLong(18),
                rs.getInt(19),
                rs.getInt(20));
    }

    /** A page of a job's units (by index) with their replicas. */
    public List<UnitView> units(long jobId, int offset, int limit) throws SQLException {
        require(jobId);
        return database.query(c -> {
            Map<Long, UnitView> units = new LinkedHashMap<>();
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT id, unit_index, status, canonical_sha256, replicas_issued, failure FROM grid_units"
                            + " WHERE job_id = ? AND unit_index >= ? AND unit_index < ? ORDER BY unit_index",
                    List.of(jobId, offset, (long) offset + limit))) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        units.put(
                                rs.getLong(1),
                                new UnitView(
                                        rs.getInt(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getInt(5),
                                        rs.getString(6),
                                        new ArrayList<>()));
                    }
                }
            }
            if (units.isEmpty()) {
                return List.of();
            }
            try (PreparedStatement ps = Sql.prepare(
                            c,
                            "SELECT a.unit_id, a.id, a.client_name, a.status, a.validity, a.kind, a.exit_status,"
                                    + " a.instructions, a.sha256, a.issued_at, a.deadline_at, a.returned_at"
                                    + " FROM grid_assignments a JOIN grid_units u ON u.id = a.unit_id"
                                    + " WHERE a.job_id = ? AND u.unit_index >= ? AND u.unit_index < ? ORDER BY a.id",
                            List.of(jobId, offset, (long) offset + limit));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UnitView unit = units.get(rs.getLong(1));
                    int exit = rs.getInt(7);
                    Integer exitStatus = rs.wasNull() ? null : exit;
                    long instructions = rs.getLong(8);
                    Long retired = rs.wasNull() ? null : instructions;
                    long returned = rs.getLong(12);
                    Long returnedAt = rs.wasNull() ? null : returned;
                    unit.replicas()
                            .add(new ReplicaView(
                                    rs.getLong(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    exitStatus,
                                    retired,
                                    rs.getString(9),
                                    rs.getLong(10),
                                    rs.getLong(11),
                                    returnedAt));
                }
            }
            return List.copyOf(units.values());
        });
    }

    /** A file of a unit's canonical result: {@code stdout}, {@code stderr} or a declared output it produced. */
    public ResultFile canonicalFile(long jobId, int index, String name) throws SQLException {
        require(jobId);
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(
                            c,
                            "SELECT f.sha256, f.size_bytes, u.canonical_assignment FROM grid_units u"
                                    + " LEFT JOIN grid_result_files f ON f.assignment_id = u.canonical_assignment"
                                    + " AND f.name = ? WHERE u.job_id = ? AND u.unit_index = ?",
                            List.of(name, jobId, index));
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw Refusal.notFound("job " + jobId + " has no unit " + index);
                }
                rs.getLong(3);
                if (rs.wasNull()) {
                    throw Refusal.notFound("unit " + index + " of job " + jobId + " has no canonical result");
                }
                if (rs.getString(1) == null) {
                    throw Refusal.notFound("the canonical result of unit " + index + " has no file " + name);
                }
                return new ResultFile(rs.getString(1), rs.getLong(2));
            }
        });
    }

    /** Cancels a running job: open units are cancelled and running replicas told to stop. */
    public JobView cancel(long jobId, String actor) throws SQLException {
        require(jobId);
        database.transaction(c -> {
            // Units first, then the job: the same lock order as a result's transaction.
            List<Long> open = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(
                            c,
                            "SELECT id FROM grid_units WHERE job_id = ? AND status = 'open' ORDER BY id FOR UPDATE",
                            List.of(jobId));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.add(rs.getLong(1));
                }
            }
            if (Sql.update(
                            c,
                            "UPDATE grid_jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'running'",
                            clock.millis(),
                            jobId)
                    != 1) {
                throw Refusal.conflict("job " + jobId + " is not running");
            }
            Sql.update(
                    c,
                    "UPDATE grid_units SET status = 'cancelled', decided_at = ? WHERE job_id = ? AND status = 'open'",
                    clock.millis(),
                    jobId);
            int replicas = Sql.update(
                    c,
                    "UPDATE grid_assignments SET status = 'cancelled', cancel_pending = TRUE"
                            + " WHERE job_id = ? AND status = 'running'",
                    jobId);
            events.append(
                    c,
                    "job.cancelled",
                    actor,
                    null,
                    "job " + jobId + ": " + open.size() + " open units cancelled, " + replicas
                            + " running replicas stopped");
            return null;
        });
        return require(jobId);
    }

    /** What {@link #purge} removed. */
    public record Purged(long job, int units, int replicas, int resultFiles) {}

    /**
     * Deletes a finished or cancelled job with its units, replicas and result records (credit
     * already granted stays). The files only it used are freed later by the blob collector.
     */
    public Purged purge(long jobId, String actor) throws SQLException {
        JobView job = require(jobId);
        if (job.status().equals("running")) {
            throw Refusal.conflict("job " + jobId + " is running; cancel it first");
        }
        return database.transaction(c -> {
            Sql.update(c, "DELETE FROM grid_job_files WHERE job_id = ?", jobId);
            int files = Sql.update(
                    c,
                    "DELETE FROM grid_result_files WHERE assignment_id IN"
                            + " (SELECT id FROM grid_assignments WHERE job_id = ?)",
                    jobId);
            int replicas = Sql.update(c, "DELETE FROM grid_assignments WHERE job_id = ?", jobId);
            int units = Sql.update(c, "DELETE FROM grid_units WHERE job_id = ?", jobId);
            if (Sql.update(c, "DELETE FROM grid_jobs WHERE id = ? AND status <> 'running'", jobId) != 1) {
                throw Refusal.conflict("job " + jobId + " changed while it was being purged; try again");
            }
            events.append(
                    c,
                    "job.purged",
                    actor,
                    null,
                    "job " + jobId + " (" + job.name() + "): " + units + " units, " + replicas + " replicas, " + files
                            + " result files removed");
            return new Purged(jobId, units, replicas, files);
        });
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> read(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("grid_jobs.outputs is not a JSON list", e);
        }
    }
}
