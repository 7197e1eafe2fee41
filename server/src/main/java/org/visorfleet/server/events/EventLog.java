package org.visorfleet.server.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.server.db.Database;

/**
 * The append-only event and audit log. Rows are only ever inserted; nothing here updates or deletes
 * one. Writes that belong to a larger change take the caller's connection so the event commits with
 * the change or not at all.
 */
public final class EventLog {

    private static final int MAX_DETAIL = 4096;
    private static final System.Logger LOG = System.getLogger(EventLog.class.getName());

    private final Database database;
    private final String serverId;
    private final Clock clock;

    public EventLog(Database database, String serverId, Clock clock) {
        this.database = database;
        this.serverId = serverId;
        this.clock = clock;
    }

    /** Appends an event in its own transaction. */
    public void append(String type, String actor, String client, String detail) throws SQLException {
        database.transaction(c -> {
            append(c, type, actor, client, detail);
            return null;
        });
    }

    /** Appends an event, logging instead of throwing when the database is unavailable. */
    public void appendQuietly(String type, String actor, String client, String detail) {
        try {
            append(type, actor, client, detail);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "event not recorded ({0} {1}): {2}", type, detail, e.getMessage());
        }
    }

    /** Appends an event within the caller's transaction. */
    public void append(Connection c, String type, String actor, String client, String detail) throws SQLException {
        insert(c, clock.millis(), type, actor, client, detail);
    }

    /**
     * Stores agent events exactly once: an event is inserted only if its sequence number is above the
     * client's high-water mark, which advances in the same transaction. Returns the new high-water
     * mark, which the server acknowledges to the agent.
     */
    public long appendAgentEvents(long clientId, String client, List<AgentMessage.Event> events) throws SQLException {
        return database.transaction(c -> {
            long stored;
            try (PreparedStatement select =
                    c.prepareStatement("SELECT agent_event_seq FROM clients WHERE id = ? FOR UPDATE")) {
                select.setLong(1, clientId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("client " + client + " no longer exists");
                    }
                    stored = rs.getLong(1);
                }
            }
            long high = stored;
            for (AgentMessage.Event event : events) {
                // One socket delivers in order and a reconnect resends from the acknowledgement, so
                // seq <= high is a resend of a stored event (acknowledged again below). A jump above
                // high + 1 is legal: the agent skips sequence numbers when it recovers a damaged outbox.
                if (event.seq() > high) {
                    insert(c, event.timeMillis(), event.name(), "client:" + client, client, event.detail());
                    high = event.seq();
                }
            }
            if (high != stored) {
                try (PreparedStatement update =
                        c.prepareStatement("UPDATE clients SET agent_event_seq = ? WHERE id = ?")) {
                    update.setLong(1, high);
                    update.setLong(2, clientId);
                    update.executeUpdate();
                }
            }
            return high;
        });
    }

    public List<EventRecord> query(EventQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT id, occurred_at, type, actor, client_name, detail, server_id FROM events WHERE id > ?");
        List<Object> args = new ArrayList<>(List.of(query.afterId()));
        if (query.beforeId() > 0) {
            sql.append(" AND id < ?");
            args.add(query.beforeId());
        }
        if (query.type() != null) {
            if (query.type().endsWith(".")) {
                sql.append(" AND type LIKE ?");
                args.add(query.type().replace("%", "").replace("_", "\\_") + "%");
            } else {
                sql.append(" AND type = ?");
                args.add(query.type());
            }
        }
        if (query.client() != null) {
            sql.append(" AND client_name = ?");
            args.add(query.client());
        }
        if (query.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(query.actor());
        }
        sql.append(query.ascending() ? " ORDER BY id ASC" : " ORDER BY id DESC");
        sql.append(" LIMIT ").append(query.limit());
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<EventRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new EventRecord(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7)));
                    }
                }
                return out;
            }
        });
    }

    private void insert(Connection c, long time, String type, String actor, String client, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO events (occurred_at, type, actor, client_name, detail, server_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, time);
            ps.setString(2, truncate(type, 64));
            ps.setString(3, truncate(actor, 128));
            if (client == null) {
                ps.setNull(4, Types.VARCHAR);
            } else {
                ps.setString(4, client);
            }
            ps.setString(5, truncate(detail == null ? "" : detail, MAX_DETAIL));
            ps.setString(6, serverId);
            ps.executeUpdate();
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
