package org.visorfleet.server.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.visorfleet.common.wire.EnrollmentToken;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Secrets;
import org.visorfleet.server.db.Database;

/** One-time, expiring enrollment tokens. Only the SHA-256 of a token's secret is stored. */
public final class EnrollmentTokens {

    public static final Duration MAX_LIFETIME = Duration.ofDays(30);

    /** A token as listed (without its secret). */
    public record TokenInfo(
            long id, String group, String createdBy, long createdAt, long expiresAt, Long usedAt, String usedBy) {}

    /** A token that may be redeemed now. */
    public record Redeemable(long id, Long groupId) {}

    private final Database database;
    private final Clock clock;
    private final String caPin;

    public EnrollmentTokens(Database database, Clock clock, String caPin) {
        this.database = database;
        this.clock = clock;
        this.caPin = caPin;
    }

    /** A new token: its text is shown once. */
    public record Created(EnrollmentToken token, long id, long expiresAt) {}

    /** Creates a token; the returned text is shown once. */
    public Created create(Connection c, Long groupId, Duration lifetime, String createdBy) throws SQLException {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw Refusal.invalid("token lifetime must be between 1 second and 30 days");
        }
        EnrollmentToken token = new EnrollmentToken("vfe_" + Secrets.random(24), caPin);
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO enrollment_tokens"
                        + " (token_hash, group_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setString(1, Secrets.sha256Hex(token.secret()));
            if (groupId == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, groupId);
            }
            ps.setString(3, createdBy);
            ps.setLong(4, now);
            ps.setLong(5, now + lifetime.toMillis());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Created(token, keys.getLong(1), now + lifetime.toMillis());
            }
        }
    }

    /**
     * Claims a token inside the caller's transaction: the row is locked, checked unused and
     * unexpired, then marked used by {@code client}. Concurrent claims of one token: exactly one wins.
     */
    public Redeemable redeem(Connection c, String secret, String client) throws SQLException {
        Optional<Redeemable> found;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, group_id, expires_at, used_at FROM"
                + " enrollment_tokens WHERE token_hash = ? FOR UPDATE")) {
            ps.setString(1, Secrets.sha256Hex(secret));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw Refusal.unauthorized("unknown enrollment token");
                }
                long id = rs.getLong(1);
                long group = rs.getLong(2);
                Long groupId = rs.wasNull() ? null : group;
                if (rs.getLong(3) <= clock.millis()) {
                    throw new Refusal(Refusal.Kind.GONE, "enrollment token expired");
                }
                rs.getLong(4);
                if (!rs.wasNull()) {
                    throw new Refusal(Refusal.Kind.GONE, "enrollment token already used");
                }
                found = Optional.of(new Redeemable(id, groupId));
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE enrollment_tokens SET used_at = ?, used_by = ? WHERE id = ?")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, client);
            ps.setLong(3, found.get().id());
            ps.executeUpdate();
        }
        return found.get();
    }

    public List<TokenInfo> list() throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT t.id, g.name, t.created_by, t.created_at,"
                    + " t.expires_at, t.used_at, t.used_by FROM enrollment_tokens t"
                    + " LEFT JOIN client_groups g ON g.id = t.group_id ORDER BY t.id DESC")) {
                List<TokenInfo> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long used = rs.getLong(6);
                        Long usedAt = rs.wasNull() ? null : used;
                        out.add(new TokenInfo(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                usedAt,
                                rs.getString(7)));
                    }
                }
                return out;
            }
        });
    }

    public void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM enrollment_tokens WHERE id = ?")) {
            ps.setLong(1, id);
            if (ps.executeUpdate() == 0) {
                throw Refusal.notFound("no enrollment token " + id);
            }
        }
    }
}
