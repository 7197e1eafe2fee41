package org.visorfleet.server.grid;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Times out replicas still running past their deadline, or whose desktop has not been online for
 * {@link #LOST_AFTER} (switched off or unplugged: waiting for the deadline, an hour by default,
 * would hold the job up for nothing): each becomes {@code timed-out} (its agent is told to stop,
 * see {@link CancelNotices}) and its unit is judged again, which wants a replacement replica. A
 * result that still arrives later is judged like any late one. Safe on several servers at once:
 * the status change is conditional.
 */
public final class GridDeadlines {

    private static final System.Logger LOG = System.getLogger(GridDeadlines.class.getName());
    private static final int BATCH = 200;

    /** How long a desktop may be away (unreachable or offline) before its running replicas are replaced. */
    public static final Duration LOST_AFTER = Duration.ofMinutes(10);

    private record Overdue(long assignment, long unit, String client, boolean lost) {}

    private final Database database;
    private final UnitJudge judge;
    private final Clock clock;

    public GridDeadlines(Database database, UnitJudge judge, Clock clock) {
        this.database = database;
        this.judge = judge;
        this.clock = clock;
    }

    /** Times out what is overdue now; returns how many replicas timed out. */
    public int sweep() throws SQLException {
        long now = clock.millis();
        List<Overdue> overdue = database.query(c -> {
            List<Overdue> out = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT a.id, a.unit_id, a.client_name, a.deadline_at >= ? FROM grid_assignments a"
                            + " LEFT JOIN clients cl ON cl.id = a.client_id WHERE a.status = 'running'"
                            + " AND (a.deadline_at < ? OR (cl.status <> 'online' AND cl.status_since < ?))"
                            + " ORDER BY a.deadline_at",
                    List.of(now, now, now - LOST_AFTER.toMillis()))) {
                ps.setMaxRows(BATCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Overdue(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4)));
                    }
                }
            }
            return out;
        });
        int timedOut = 0;
        for (Overdue o : overdue) {
            boolean changed = database.transaction(c -> {
                UnitJudge.Unit unit = UnitJudge.lock(c, o.unit());
                if (Sql.update(
                                c,
                                "UPDATE grid_assignments SET status = 'timed-out', cancel_pending = TRUE"
                                        + " WHERE id = ? AND status = 'running'",
                                o.assignment())
                        != 1) {
                    return false;
                }
                judge.settle(c, unit);
                return true;
            });
            if (changed) {
                timedOut++;
                LOG.log(
                        System.Logger.Level.INFO,
                        "grid: assignment {0} on {1} {2}; replaced",
                        o.assignment(),
                        o.client(),
                        o.lost() ? "has been away for " + LOST_AFTER.toMinutes() + " minutes" : "passed its deadline");
            }
        }
        return timedOut;
    }
}
