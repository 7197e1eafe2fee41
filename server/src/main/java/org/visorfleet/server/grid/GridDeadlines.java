package org.visorfleet.server.grid;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Times out replicas still running past their deadline: each becomes {@code timed-out} (its agent
 * is told to stop, see {@link CancelNotices}) and its unit is judged again, which wants a
 * replacement replica. Safe on several servers at once: the status change is conditional.
 */
public final class GridDeadlines {

    private static final System.Logger LOG = System.getLogger(GridDeadlines.class.getName());
    private static final int BATCH = 200;

    private record Overdue(long assignment, long unit, String client) {}

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
                    "SELECT id, unit_id, client_name FROM grid_assignments"
                            + " WHERE status = 'running' AND deadline_at < ? ORDER BY deadline_at",
                    List.of(now))) {
                ps.setMaxRows(BATCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Overdue(rs.getLong(1), rs.getLong(2), rs.getString(3)));
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
                        "grid: assignment {0} on {1} passed its deadline",
                        o.assignment(),
                        o.client());
            }
        }
        return timedOut;
    }
}
