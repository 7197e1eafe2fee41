package org.visorfleet.server.fleet;

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
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.boot.BootExports;
import org.visorfleet.server.db.Database;

/**
 * Client groups: a name, a description, the clients placed in it, and its remote policy (who may
 * reach its clients, whether their users must consent; see {@link RemoteAccess}).
 */
public final class Groups {

    /**
     * A group; {@code bootExport} is the AoE export its network-booting machines boot ({@code e1.0}),
     * or null; {@code remoteRole} the lowest role that may reach its clients ({@code helpdesk} or
     * {@code admin}); {@code consent} whether their users must agree to an interactive session.
     */
    public record Group(
            long id,
            String name,
            String description,
            long createdAt,
            long clients,
            String bootExport,
            String remoteRole,
            boolean consent) {}

    private final Database database;
    private final Clock clock;

    public Groups(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public Group create(Connection c, String name, String description) throws SQLException {
        Names.requireLabel("group", name);
        String text = description == null ? "" : description;
        if (text.length() > 1024) {
            throw Refusal.invalid("description longer than 1024 characters");
        }
        if (find(c, name).isPresent()) {
            throw Refusal.conflict("group " + name + " already exists");
        }
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO client_groups (name, description, created_at) VALUES (?, ?, ?)", new String[] {"id"})) {
            ps.setString(1, name);
            ps.setString(2, text);
            ps.setLong(3, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Group(
                        keys.getLong(1),
                        name,
                        text,
                        now,
                        0,
                        null,
                        RemoteAccess.DEFAULT.remoteRole().wireName(),
                        RemoteAccess.DEFAULT.consent());
            }
        }
    }

    public List<Group> list() throws SQLException {
        return database.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + GROUP_BY + " ORDER BY g.name")) {
                List<Group> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    public Optional<Group> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE g.name = ?" + GROUP_BY)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    public Group require(Connection c, String name) throws SQLException {
        return find(c, name).orElseThrow(() -> Refusal.notFound("no group " + name));
    }

    /**
     * Changes a group's remote policy; a null leaves that setting as it is. The remote role must be
     * {@code helpdesk} or {@code admin} (viewers never reach a client).
     */
    public Group updateRemote(Connection c, String name, String remoteRole, Boolean consent) throws SQLException {
        if (remoteRole == null && consent == null) {
            throw Refusal.invalid("nothing to change: give remoteRole and/or consent");
        }
        if (remoteRole != null) {
            Role role = Role.fromWireName(remoteRole)
                    .orElseThrow(() -> Refusal.invalid("remoteRole must be helpdesk or admin, got " + remoteRole));
            if (!role.includes(Role.HELPDESK)) {
                throw Refusal.invalid("remoteRole must be helpdesk or admin: viewers never reach a client");
            }
        }
        Group group = require(c, name);
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE client_groups SET remote_role = COALESCE(?, remote_role), consent = COALESCE(?, consent)"
                        + " WHERE id = ?")) {
            ps.setString(1, remoteRole);
            if (consent == null) {
                ps.setNull(2, java.sql.Types.BOOLEAN);
            } else {
                ps.setBoolean(2, consent);
            }
            ps.setLong(3, group.id());
            ps.executeUpdate();
        }
        return require(c, name);
    }

    /** Deletes a group; its clients stay enrolled, without a group. */
    public void delete(Connection c, String name) throws SQLException {
        Group group = require(c, name);
        try (PreparedStatement ps = c.prepareStatement("UPDATE boot_clients SET group_id = NULL WHERE group_id = ?")) {
            ps.setLong(1, group.id());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET group_id = NULL WHERE group_id = ?")) {
            ps.setLong(1, group.id());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_groups WHERE id = ?")) {
            ps.setLong(1, group.id());
            ps.executeUpdate();
        }
    }

    private static final String SELECT =
            "SELECT g.id, g.name, g.description, g.created_at, COUNT(c.id), e.shelf, e.slot, g.remote_role, g.consent"
                    + " FROM client_groups g LEFT JOIN clients c ON c.group_id = g.id"
                    + " LEFT JOIN boot_exports e ON e.id = g.boot_export_id";
    private static final String GROUP_BY =
            " GROUP BY g.id, g.name, g.description, g.created_at, e.shelf, e.slot, g.remote_role, g.consent";

    private static Group read(ResultSet rs) throws SQLException {
        int shelf = rs.getInt(6);
        String export = rs.wasNull() ? null : BootExports.format(shelf, rs.getInt(7));
        return new Group(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getLong(5),
                export,
                rs.getString(8),
                rs.getBoolean(9));
    }
}
