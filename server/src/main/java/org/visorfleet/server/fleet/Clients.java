package org.visorfleet.server.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.server.Page;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/** Enrolled clients: identity, certificate, group, and the status the servers maintain. */
public final class Clients {

    /** What the server needs to know about a connecting agent. */
    public record Identity(long id, String name, boolean revoked) {}

    /** A heartbeat to write behind: when it was last seen and what it last reported. */
    public record Seen(long id, String connectionId, long lastSeen, String inventoryJson) {}

    private final Database database;
    private final Clock clock;
    private final ObjectMapper json;

    public Clients(Database database, Clock clock, ObjectMapper json) {
        this.database = database;
        this.clock = clock;
        this.json = json;
    }

    /** The certificate serial as stored: lower-case hex. */
    public static String serialOf(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toLowerCase(Locale.ROOT);
    }

    /** {@code base}, or {@code base-2}, {@code base-3}, ... whichever is free. */
    public String uniqueName(Connection c, String base) throws SQLException {
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? base : base + "-" + n;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM clients WHERE name = ?")) {
                ps.setString(1, candidate);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return candidate;
                    }
                }
            }
        }
    }

    /** The certificate's public key as stored in {@code clients.public_key}. */
    public static String publicKeyOf(X509Certificate certificate) {
        return encodeKey(certificate.getPublicKey());
    }

    /** A public key as {@code clients.public_key} holds it: base64 SubjectPublicKeyInfo. */
    public static String encodeKey(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public void insert(Connection c, String name, Long groupId, String hostname, X509Certificate certificate)
            throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (name, group_id, hostname, cert_serial,"
                + " cert_fingerprint, cert_not_after, enrolled_at, status, status_since, public_key)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 'enrolled', ?, ?)")) {
            ps.setString(1, name);
            if (groupId == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, groupId);
            }
            ps.setString(3, hostname.length() > 255 ? hostname.substring(0, 255) : hostname);
            ps.setString(4, serialOf(certificate));
            ps.setString(5, Fingerprints.sha256(certificate));
            ps.setLong(6, certificate.getNotAfter().getTime());
            ps.setLong(7, now);
            ps.setLong(8, now);
            ps.setString(9, publicKeyOf(certificate));
            ps.executeUpdate();
        }
    }

    public Page<ClientView> list(ClientQuery query) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (query.status() != null) {
            where.append(" AND c.status = ?");
            args.add(query.status().wireName());
        }
        if (query.group() != null) {
            where.append(" AND g.name = ?");
            args.add(query.group());
        }
        if (query.search() != null) {
            where.append(" AND (LOWER(c.name) LIKE ? ESCAPE '!' OR LOWER(c.hostname) LIKE ? ESCAPE '!')");
            String pattern = "%"
                    + query.search()
                            .toLowerCase(Locale.ROOT)
                            .replace("!", "!!")
                            .replace("%", "!%")
                            .replace("_", "!_")
                    + "%";
            args.add(pattern);
            args.add(pattern);
        }
        return database.query(c -> {
            long total;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT COUNT(*) FROM clients c" + JOIN + where, args)) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            String sql = SELECT + where + " ORDER BY " + query.orderBy() + " LIMIT " + query.limit() + " OFFSET "
                    + query.offset();
            List<ClientView> items = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, sql, args);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(read(rs));
                }
            }
            return new Page<>(items, total);
        });
    }

    public Optional<ClientView> find(String name) throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(c, SELECT + " WHERE c.name = ?", List.of(name));
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    /**
     * The public key of a client's certificate (also its SSH host key), empty if there is no such
     * client or it enrolled before keys were kept.
     */
    public Optional<PublicKey> publicKey(String name) throws SQLException {
        Optional<String> stored = database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT public_key FROM clients WHERE name = ?", List.of(name));
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
            }
        });
        return stored.map(Clients::decodeKey);
    }

    private static PublicKey decodeKey(String base64) {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalStateException("a stored client key is of no known algorithm");
    }

    public Identity requireIdentity(Connection c, String name) throws SQLException {
        try (PreparedStatement ps =
                Sql.prepare(c, "SELECT id, name, revoked_at FROM clients WHERE name = ?", List.of(name))) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw Refusal.notFound("no client " + name);
                }
                return identity(rs);
            }
        }
    }

    /** The client holding a certificate with this serial, if any. */
    public Optional<Identity> byCertificateSerial(String serial) throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps =
                    Sql.prepare(c, "SELECT id, name, revoked_at FROM clients WHERE cert_serial = ?", List.of(serial))) {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(identity(rs)) : Optional.empty();
                }
            }
        });
    }

    public void revoke(Connection c, Identity client) throws SQLException {
        long now = clock.millis();
        Sql.update(
                c,
                "UPDATE clients SET revoked_at = ?, status = 'revoked', status_since = ?, connection_id = NULL"
                        + " WHERE id = ?",
                now,
                now,
                client.id());
    }

    public void delete(Connection c, Identity client) throws SQLException {
        Sql.update(c, "DELETE FROM clients WHERE id = ?", client.id());
    }

    public void setGroup(Connection c, Identity client, Long groupId) throws SQLException {
        Sql.update(c, "UPDATE clients SET group_id = ? WHERE id = ?", groupId, client.id());
    }

    /**
     * Records that {@code connectionId} on {@code serverId} now carries the client, and the public key
     * of the certificate it connected with (clients enrolled before keys were recorded get theirs
     * here). Returns the status it had before, or empty if the client is gone or revoked (then nothing
     * changed).
     */
    public Optional<ClientStatus> markOnline(
            Connection c, long id, String serverId, String connectionId, String inventoryJson, String publicKey)
            throws SQLException {
        ClientStatus previous;
        try (PreparedStatement ps =
                Sql.prepare(c, "SELECT status, revoked_at FROM clients WHERE id = ? FOR UPDATE", List.of(id))) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                previous = ClientStatus.fromWireName(rs.getString(1)).orElseThrow();
                rs.getLong(2);
                if (!rs.wasNull()) {
                    return Optional.empty();
                }
            }
        }
        long now = clock.millis();
        Sql.update(
                c,
                "UPDATE clients SET status = 'online', status_since = CASE WHEN status = 'online' THEN status_since"
                        + " ELSE ? END, server_id = ?, connection_id = ?, last_seen = ?, inventory = ?,"
                        + " public_key = COALESCE(?, public_key) WHERE id = ?",
                now,
                serverId,
                connectionId,
                now,
                inventoryJson,
                publicKey,
                id);
        return Optional.of(previous);
    }

    /**
     * Sets a status other than online, but only while {@code connectionId} is still the client's
     * connection: a client that has meanwhile reconnected elsewhere keeps its newer state. Returns
     * whether the row changed.
     */
    public boolean markDisconnected(Connection c, long id, String connectionId, ClientStatus status)
            throws SQLException {
        long now = clock.millis();
        return Sql.update(
                        c,
                        "UPDATE clients SET status = ?, status_since = ?, connection_id = NULL WHERE id = ?"
                                + " AND connection_id = ? AND status = 'online'",
                        status.wireName(),
                        now,
                        id,
                        connectionId)
                == 1;
    }

    /** The highest agent event sequence number stored for a client. */
    public long ackedEventSeq(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT agent_event_seq FROM clients WHERE id = ?", List.of(id));
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Writes last-seen times and inventories behind, in one batch; rows of replaced connections are skipped. */
    public void flushSeen(List<Seen> seen) throws SQLException {
        if (seen.isEmpty()) {
            return;
        }
        // Rows in id order, like the hello batches: concurrent batches never deadlock.
        List<Seen> ordered = seen.stream()
                .sorted(java.util.Comparator.comparingLong(Seen::id))
                .toList();
        database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE clients SET last_seen = ?, inventory = ? WHERE id = ? AND connection_id = ?")) {
                for (Seen s : ordered) {
                    ps.setLong(1, s.lastSeen());
                    ps.setString(2, s.inventoryJson());
                    ps.setLong(3, s.id());
                    ps.setString(4, s.connectionId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Online clients whose connection lives on one of the given servers. */
    public record Orphan(long id, String name, String connectionId) {}

    public List<Orphan> onlineOn(Connection c, List<String> serverIds) throws SQLException {
        List<Orphan> out = new ArrayList<>();
        for (String serverId : serverIds) {
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT id, name, connection_id FROM clients WHERE status = 'online' AND server_id = ?",
                    List.of(serverId))) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Orphan(rs.getLong(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        return out;
    }

    /** Serial (hex) and revocation time of every revoked client certificate. */
    public java.util.Map<String, Long> revokedCertificates() throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT cert_serial, revoked_at FROM clients WHERE revoked_at IS NOT NULL");
                    ResultSet rs = ps.executeQuery()) {
                java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
                return out;
            }
        });
    }

    /** Names of clients revoked at or after {@code since} (epoch ms). */
    public List<String> revokedSince(long since) throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps =
                    Sql.prepare(c, "SELECT name FROM clients WHERE revoked_at >= ?", List.of(since))) {
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

    private static final String JOIN = " LEFT JOIN client_groups g ON g.id = c.group_id";
    private static final String SELECT = "SELECT c.name, c.hostname, g.name, c.status, c.status_since, c.last_seen,"
            + " c.enrolled_at, c.revoked_at, c.server_id, c.cert_serial, c.cert_fingerprint, c.cert_not_after,"
            + " c.inventory FROM clients c" + JOIN;

    private ClientView read(ResultSet rs) throws SQLException {
        long lastSeen = rs.getLong(6);
        Long lastSeenOrNull = rs.wasNull() ? null : lastSeen;
        long revoked = rs.getLong(8);
        Long revokedOrNull = rs.wasNull() ? null : revoked;
        return new ClientView(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getLong(5),
                lastSeenOrNull,
                rs.getLong(7),
                revokedOrNull,
                rs.getString(9),
                new ClientView.Certificate(rs.getString(10), rs.getString(11), rs.getLong(12)),
                inventory(rs.getString(13)));
    }

    private JsonNode inventory(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return null; // written by this server from a parsed record; unreadable means absent
        }
    }

    private static Identity identity(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        String name = rs.getString(2);
        rs.getLong(3);
        return new Identity(id, name, !rs.wasNull());
    }
}
