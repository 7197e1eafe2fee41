package org.visorfleet.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.visorfleet.server.Names;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/** Technician accounts. Passwords are stored only as Argon2id hashes. */
public final class Users {

    /** A user as the API shows it (never with the hash). */
    public record User(long id, String name, Role role, long createdAt) {}

    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 1024;
    // Verified against when the user does not exist, so a wrong name costs as much as a wrong password.
    private static final String DUMMY_HASH = PasswordHasher.hash("visorfleet-dummy-password");

    private final Database database;
    private final Clock clock;

    public Users(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public static void requirePassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw Refusal.invalid("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
    }

    /** Creates a user inside the caller's transaction. */
    public User create(Connection c, String name, Role role, String password) throws SQLException {
        Names.requireUser(name);
        requirePassword(password);
        // Hash before the first statement: on PostgreSQL an open transaction must not sit idle
        // (see Database) while the KDF runs.
        String hash = PasswordHasher.hash(password);
        if (find(c, name).isPresent()) {
            throw Refusal.conflict("user " + name + " already exists");
        }
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)", new String[] {"id"})) {
            ps.setString(1, name);
            ps.setString(2, role.wireName());
            ps.setString(3, hash);
            ps.setLong(4, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new User(keys.getLong(1), name, role, now);
            }
        }
    }

    /** The principal for a correct name and password, else empty. */
    public Optional<Principal> authenticate(String name, String password) throws SQLException {
        record Row(Principal principal, String hash) {}
        Optional<Row> row = database.query(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id, name, role, password_hash FROM users WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Row>empty();
                    }
                    Role role = Role.fromWireName(rs.getString(3)).orElseThrow();
                    return Optional.of(new Row(new Principal(rs.getLong(1), rs.getString(2), role), rs.getString(4)));
                }
            }
        });
        boolean match = PasswordHasher.verify(password, row.map(Row::hash).orElse(DUMMY_HASH));
        return match ? row.map(Row::principal) : Optional.empty();
    }

    public List<User> list() throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id, name, role, created_at FROM users ORDER BY name")) {
                List<User> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    public Optional<User> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, role, created_at FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Changes role and/or password (null = unchanged). The last admin cannot be demoted. */
    public User update(Connection c, String name, Role role, String password) throws SQLException {
        if (password != null) {
            requirePassword(password);
        }
        String hash = password == null ? null : PasswordHasher.hash(password);
        User user = find(c, name).orElseThrow(() -> Refusal.notFound("no user " + name));
        if (role != null && role != user.role()) {
            if (user.role() == Role.ADMIN && countAdmins(c) == 1) {
                throw Refusal.conflict("cannot demote the last admin");
            }
            Sql.update(c, "UPDATE users SET role = ? WHERE id = ?", role.wireName(), user.id());
        }
        if (hash != null) {
            Sql.update(c, "UPDATE users SET password_hash = ? WHERE id = ?", hash, user.id());
            Sql.update(c, "DELETE FROM api_tokens WHERE user_id = ?", user.id());
        }
        return find(c, name).orElseThrow();
    }

    /** Deletes a user and its tokens. The last admin cannot be deleted. */
    public void delete(Connection c, String name) throws SQLException {
        User user = find(c, name).orElseThrow(() -> Refusal.notFound("no user " + name));
        if (user.role() == Role.ADMIN && countAdmins(c) == 1) {
            throw Refusal.conflict("cannot delete the last admin");
        }
        Sql.update(c, "DELETE FROM users WHERE id = ?", user.id());
    }

    private static long countAdmins(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users WHERE role = 'admin'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(
                rs.getLong(1),
                rs.getString(2),
                Role.fromWireName(rs.getString(3)).orElseThrow(),
                rs.getLong(4));
    }
}
