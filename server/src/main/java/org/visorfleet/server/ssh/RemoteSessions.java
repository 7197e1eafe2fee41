package org.visorfleet.server.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Sessions technicians open on clients' own SSH servers (through the bastion), as the clients'
 * agents report them: who, which client, what kind (shell, exec, sftp), whether the desktop's user
 * consented, when it started and ended, and for interactive sessions an asciicast v2 recording,
 * stored in the shared database in chunks.
 */
public final class RemoteSessions {

    /** A session as the API shows it. */
    public record SessionView(
            long id,
            String client,
            String user,
            String kind,
            String detail,
            String consent,
            long startedAt,
            Long endedAt,
            Long seconds,
            Long recordingBytes) {}

    public static final List<String> KINDS = List.of("shell", "exec", "sftp");
    public static final List<String> CONSENTS = List.of("not-required", "granted", "denied");
    /** Largest recording kept (asciicast is text; a long busy session is a few MiB). */
    public static final long MAX_RECORDING_BYTES = 64L << 20;

    private static final int CHUNK = 1 << 20;

    private final Database database;
    private final Clock clock;

    public RemoteSessions(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public long open(Connection c, long clientId, String user, String kind, String detail, String consent)
            throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO remote_sessions (client_id, user_name, kind, detail, consent, started_at, ended_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setLong(1, clientId);
            ps.setString(2, user);
            ps.setString(3, kind);
            ps.setString(4, detail.length() > 1024 ? detail.substring(0, 1024) : detail);
            ps.setString(5, consent);
            ps.setLong(6, now);
            if ("denied".equals(consent)) {
                ps.setLong(7, now);
            } else {
                ps.setNull(7, java.sql.Types.BIGINT);
            }
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Marks a client's session ended; returns it, or empty if it is not that client's or already ended. */
    public Optional<SessionView> end(Connection c, long clientId, long id) throws SQLException {
        int changed = Sql.update(
                c,
                "UPDATE remote_sessions SET ended_at = ? WHERE id = ? AND client_id = ? AND ended_at IS NULL",
                clock.millis(),
                id,
                clientId);
        return changed == 1 ? find(c, id) : Optional.empty();
    }

    /**
     * Stores a session's recording from {@code body} (at most {@link #MAX_RECORDING_BYTES}), replacing
     * any earlier one; all chunks and the size are committed together.
     */
    public long storeRecording(long clientId, long id, InputStream body) throws SQLException, IOException {
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        while (true) {
            byte[] chunk = body.readNBytes(CHUNK);
            if (chunk.length == 0) {
                break;
            }
            total += chunk.length;
            if (total > MAX_RECORDING_BYTES) {
                throw Refusal.invalid("recording larger than " + MAX_RECORDING_BYTES + " bytes");
            }
            chunks.add(chunk);
        }
        long size = total;
        database.transaction(c -> {
            if (Sql.update(
                            c,
                            "UPDATE remote_sessions SET recording_size = ? WHERE id = ? AND client_id = ?"
                                    + " AND kind = 'shell'",
                            size,
                            id,
                            clientId)
                    != 1) {
                throw Refusal.notFound("no interactive session " + id + " of this client");
            }
            Sql.update(c, "DELETE FROM remote_recording_chunks WHERE session_id = ?", id);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO remote_recording_chunks (session_id, chunk_index, data) VALUES (?, ?, ?)")) {
                for (int i = 0; i < chunks.size(); i++) {
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setBytes(3, chunks.get(i));
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return size;
    }

    /** Writes a session's recording to {@code out}; false when it has none. */
    public boolean copyRecording(long id, OutputStream out) throws SQLException, IOException {
        List<byte[]> chunks = database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT data FROM remote_recording_chunks WHERE session_id = ? ORDER BY chunk_index",
                    List.of(id))) {
                List<byte[]> out1 = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out1.add(rs.getBytes(1));
                    }
                }
                return out1;
            }
        });
        for (byte[] chunk : chunks) {
            out.write(chunk);
        }
        return !chunks.isEmpty();
    }

    public Optional<SessionView> find(Connection c, long id) throws SQLException {
        List<SessionView> found = select(c, " WHERE s.id = ?", List.of(id), 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Newest first, optionally of one client and/or one technician. */
    public List<SessionView> list(String client, String user, int limit) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (client != null) {
            where.append(" AND k.name = ?");
            args.add(client);
        }
        if (user != null) {
            where.append(" AND s.user_name = ?");
            args.add(user);
        }
        return database.query(c -> select(c, where.toString(), args, limit));
    }

    private List<SessionView> select(Connection c, String where, List<?> args, int limit) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(
                c,
                "SELECT s.id, k.name, s.user_name, s.kind, s.detail, s.consent, s.started_at, s.ended_at,"
                        + " s.recording_size FROM remote_sessions s JOIN clients k ON k.id = s.client_id" + where
                        + " ORDER BY s.id DESC LIMIT " + Math.max(1, Math.min(limit, 1000)),
                args)) {
            List<SessionView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long started = rs.getLong(7);
                    long ended = rs.getLong(8);
                    Long endedAt = rs.wasNull() ? null : ended;
                    long size = rs.getLong(9);
                    Long recording = rs.wasNull() ? null : size;
                    out.add(new SessionView(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            started,
                            endedAt,
                            endedAt == null ? null : Math.max(0, (endedAt - started) / 1000),
                            recording));
                }
            }
            return out;
        }
    }
}
