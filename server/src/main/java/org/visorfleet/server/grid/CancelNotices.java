package org.visorfleet.server.grid;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Tells agents to stop replicas that are no longer wanted ({@link ServerMessage.WorkCancel}): a
 * replica marked {@code cancel_pending} (its unit was decided, its job cancelled, or it passed its
 * deadline) is announced by whichever server holds the agent's connection, then unmarked. A notice
 * for an agent that is not connected anywhere waits until it is.
 */
public final class CancelNotices {

    private static final System.Logger LOG = System.getLogger(CancelNotices.class.getName());

    private record Pending(long assignment, long clientId, String status) {}

    private static final int CHUNK = 500;

    private final Database database;
    private final AgentHub hub;

    public CancelNotices(Database database, AgentHub hub) {
        this.database = database;
        this.hub = hub;
    }

    /** Sends the pending notices for agents connected here; returns how many went out. */
    public int deliver() throws SQLException {
        List<Long> here =
                hub.gridPeers().stream().map(AgentHub.GridPeer::clientId).toList();
        List<Pending> pending = new ArrayList<>();
        // Only the agents connected here: notices for agents that are offline stay pending
        // without being read on every pass.
        for (int from = 0; from < here.size(); from += CHUNK) {
            List<Long> chunk = here.subList(from, Math.min(here.size(), from + CHUNK));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            pending.addAll(database.query(c -> {
                List<Pending> out = new ArrayList<>();
                try (PreparedStatement ps = Sql.prepare(
                                c,
                                "SELECT id, client_id, status FROM grid_assignments"
                                        + " WHERE cancel_pending = TRUE AND client_id IN (" + marks + ")",
                                chunk);
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3)));
                    }
                }
                return out;
            }));
        }
        int sent = 0;
        for (Pending p : pending) {
            String reason = p.status().equals("timed-out")
                    ? "deadline passed; the unit was given to another agent"
                    : "no longer needed (unit decided or job cancelled)";
            if (hub.sendTo(p.clientId(), new ServerMessage.WorkCancel(p.assignment(), reason))) {
                database.query(c -> Sql.update(
                        c, "UPDATE grid_assignments SET cancel_pending = FALSE WHERE id = ?", p.assignment()));
                LOG.log(System.Logger.Level.INFO, "grid: cancel sent for assignment {0}: {1}", p.assignment(), reason);
                sent++;
            }
        }
        return sent;
    }
}
