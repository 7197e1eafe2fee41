package org.visorfleet.server.ssh;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Technicians' SSH public keys. A key is stored in OpenSSH form and known by its SHA-256
 * fingerprint ({@code SHA256:...}, as {@code ssh-keygen -l} prints it); one key belongs to at most
 * one technician, so the key alone says who signs in.
 */
public final class SshKeys {

    /** A registered key as the API shows it. */
    public record KeyView(String fingerprint, String type, String comment, long createdAt) {}

    private static final int MAX_KEY_CHARS = 16_384;
    private static final int MAX_KEYS_PER_USER = 50;

    private final Database database;
    private final Clock clock;

    public SshKeys(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A public key in OpenSSH form ({@code "ssh-ed25519 AAAA... comment"}), parsed and checked. */
    public record ParsedKey(PublicKey key, String openSsh, String fingerprint, String comment) {

        public static ParsedKey parse(String line) {
            if (line == null || line.isBlank()) {
                throw Refusal.invalid("publicKey is required (one line of a .pub file)");
            }
            if (line.length() > MAX_KEY_CHARS) {
                throw Refusal.invalid("publicKey longer than " + MAX_KEY_CHARS + " characters");
            }
            String trimmed = line.strip();
            if (trimmed.contains("\n")) {
                throw Refusal.invalid("publicKey must be a single key (one line)");
            }
            PublicKey key;
            String comment;
            try {
                AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(trimmed);
                if (entry == null) {
                    throw Refusal.invalid("publicKey is empty");
                }
                if (entry.getLoginOptions() != null && !entry.getLoginOptions().isEmpty()) {
                    throw Refusal.invalid("publicKey must not carry authorized_keys options");
                }
                key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
                comment = entry.getComment() == null ? "" : entry.getComment();
            } catch (Refusal e) {
                throw e;
            } catch (Exception e) {
                throw Refusal.invalid("publicKey is not an OpenSSH public key: " + e.getMessage());
            }
            if (key == null) {
                throw Refusal.invalid("publicKey has an unsupported key type");
            }
            if (comment.length() > 256) {
                comment = comment.substring(0, 256);
            }
            return new ParsedKey(key, PublicKeyEntry.toString(key), KeyUtils.getFingerPrint(key), comment);
        }
    }

    /** Registers a key for {@code userId} inside the caller's transaction. */
    public KeyView add(Connection c, long userId, ParsedKey key) throws SQLException {
        try (PreparedStatement ps =
                Sql.prepare(c, "SELECT user_id FROM user_ssh_keys WHERE fingerprint = ?", List.of(key.fingerprint()))) {
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw Refusal.conflict(
                            rs.getLong(1) == userId
                                    ? "key " + key.fingerprint() + " is already registered"
                                    : "key " + key.fingerprint() + " belongs to another user");
                }
            }
        }
        try (PreparedStatement ps =
                Sql.prepare(c, "SELECT COUNT(*) FROM user_ssh_keys WHERE user_id = ?", List.of(userId))) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) >= MAX_KEYS_PER_USER) {
                    throw Refusal.conflict("a user may have at most " + MAX_KEYS_PER_USER + " keys");
                }
            }
        }
        long now = clock.millis();
        Sql.update(
                c,
                "INSERT INTO user_ssh_keys (user_id, fingerprint, public_key, comment, created_at) VALUES (?, ?, ?, ?, ?)",
                userId,
                key.fingerprint(),
                key.openSsh(),
                key.comment(),
                now);
        return new KeyView(key.fingerprint(), key.openSsh().split(" ", 2)[0], key.comment(), now);
    }

    /** Removes a key by fingerprint; false when the user has no such key. */
    public boolean remove(Connection c, long userId, String fingerprint) throws SQLException {
        return Sql.update(c, "DELETE FROM user_ssh_keys WHERE user_id = ? AND fingerprint = ?", userId, fingerprint)
                == 1;
    }

    public List<KeyView> list(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(
                c,
                "SELECT fingerprint, public_key, comment, created_at FROM user_ssh_keys WHERE user_id = ? ORDER BY id",
                List.of(userId))) {
            List<KeyView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2).split(" ", 2)[0];
                    out.add(new KeyView(rs.getString(1), type, rs.getString(3), rs.getLong(4)));
                }
            }
            return out;
        }
    }

    /**
     * The technician {@code user} if {@code key} is one of their registered keys. The stored key must
     * equal the offered one, not only its fingerprint.
     */
    public Optional<Principal> owner(String user, PublicKey key) throws SQLException {
        String fingerprint = KeyUtils.getFingerPrint(key);
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT u.id, u.name, u.role, k.public_key FROM user_ssh_keys k JOIN users u ON u.id = k.user_id"
                            + " WHERE k.fingerprint = ? AND u.name = ?",
                    List.of(fingerprint, user))) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Principal>empty();
                    }
                    PublicKey stored = ParsedKey.parse(rs.getString(4)).key();
                    if (!KeyUtils.compareKeys(stored, key)) {
                        return Optional.<Principal>empty();
                    }
                    Role role = Role.fromWireName(rs.getString(3)).orElseThrow();
                    return Optional.of(new Principal(rs.getLong(1), rs.getString(2), role));
                }
            }
        });
    }
}
