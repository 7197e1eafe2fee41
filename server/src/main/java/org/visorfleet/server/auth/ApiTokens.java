package org.visorfleet.server.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.visorfleet.server.db.Database;

/**
 * Bearer tokens issued at login. The database keeps only their SHA-256, so a leaked database does
 * not leak usable tokens; every server sharing the database accepts them.
 */
public final class ApiTokens {

    /** A freshly issued token; {@code token} is shown once and never stored. */
    public record Issued(String token, long expiresAt) {}

    private final Database database;
    private final Clock clock;
    private final Duration lifetime;

    public ApiTokens(Database database, Clock clock, Duration lifetime) {
        this.database = database;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Issued issue(Principal principal) throws SQLException {
        String token = "vft_" + Secrets.random(32);
        long now = clock.millis();
        long expiresAt = now + lifetime.toMillis();
        database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, Secrets.sha256Hex(token));
                ps.setLong(2, principal.userId());
                ps.setLong(3, now);
                ps.setLong(4, expiresAt);
                ps.executeUpdate();
            }
            // Expired tokens are useless; dropping them here keeps the table small without a timer.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE expires_at < ?")) {
                ps.setLong(1, now);
                ps.executeUpdate();
            }
            return null;
        });
        return new Issued(token, expiresAt);
    }

    /** The principal a valid, unexpired token belongs to. */
    public Optional<Principal> resolve(String token) throws SQLException {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        return database.query(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT u.id, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id"
                            + " WHERE t.token_hash = ? AND t.expires_at > ?")) {
                ps.setString(1, Secrets.sha256Hex(token));
                ps.setLong(2, clock.millis());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Principal(
                            rs.getLong(1),
                            rs.getString(2),
                            Role.fromWireName(rs.getString(3)).orElseThrow()));
                }
            }
        });
    }

    public void revoke(String token) throws SQLException {
        database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE token_hash = ?")) {
                ps.setString(1, Secrets.sha256Hex(token));
                ps.executeUpdate();
            }
            return null;
        });
    }
}
