package org.visorfleet.server.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.server.db.Database;

/**
 * The servers sharing one database. Each stamps its row every second; a row older than {@code
 * deadAfter} belongs to a dead server. New agents learn every live server's URL at enrollment.
 */
public final class Peers {

    private final Database database;
    private final Clock clock;
    private final String serverId;
    private final String url;
    private final Duration deadAfter;

    public Peers(Database database, Clock clock, String serverId, String url, Duration deadAfter) {
        this.database = database;
        this.clock = clock;
        this.serverId = serverId;
        this.url = url;
        this.deadAfter = deadAfter;
    }

    /** Records this server as alive (insert or refresh). */
    public void stamp() throws SQLException {
        long now = clock.millis();
        database.transaction(c -> {
            try (PreparedStatement update =
                    c.prepareStatement("UPDATE servers SET last_alive = ?, url = ? WHERE id = ?")) {
                update.setLong(1, now);
                update.setString(2, url);
                update.setString(3, serverId);
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO servers (id, url, started_at, last_alive) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, serverId);
                insert.setString(2, url);
                insert.setLong(3, now);
                insert.setLong(4, now);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** Servers that stopped stamping (other than this one). */
    public List<String> dead() throws SQLException {
        return ids("SELECT id FROM servers WHERE last_alive < ? AND id <> ?", clock.millis() - deadAfter.toMillis());
    }

    /** URLs of live servers, this one first. */
    public List<String> liveUrls() throws SQLException {
        List<String> urls = new ArrayList<>(List.of(url));
        long since = clock.millis() - deadAfter.toMillis();
        database.query(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT url FROM servers WHERE last_alive >= ? AND id <> ? ORDER BY id")) {
                ps.setLong(1, since);
                ps.setString(2, serverId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!urls.contains(rs.getString(1))) {
                            urls.add(rs.getString(1));
                        }
                    }
                }
            }
            return null;
        });
        return urls;
    }

    private List<String> ids(String sql, long threshold) throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, threshold);
                ps.setString(2, serverId);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }
}
