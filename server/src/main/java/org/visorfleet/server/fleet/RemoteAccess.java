package org.visorfleet.server.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.db.Sql;

/**
 * Who may reach a client remotely (SSH sessions, remote actions, fleet-shell actions). Each group
 * names the lowest role that may ({@code remote_role}, default {@code helpdesk}) and whether the
 * desktop's user must consent to an interactive session; clients without a group follow the
 * defaults. Viewers never reach a client.
 */
public final class RemoteAccess {

    /** A group's remote policy. */
    public record Policy(Role remoteRole, boolean consent) {}

    public static final Policy DEFAULT = new Policy(Role.HELPDESK, false);

    private RemoteAccess() {}

    /** The policy of the client's group, or the default for a client without one. */
    public static Policy policy(Connection c, long clientId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(
                c,
                "SELECT g.remote_role, g.consent FROM clients k JOIN client_groups g ON g.id = k.group_id"
                        + " WHERE k.id = ?",
                List.of(clientId))) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return DEFAULT;
                }
                return policy(rs.getString(1), rs.getBoolean(2));
            }
        }
    }

    /** The policy of a group by name (e.g. to show it); empty for an unknown group. */
    public static Optional<Policy> groupPolicy(Connection c, String group) throws SQLException {
        try (PreparedStatement ps =
                Sql.prepare(c, "SELECT remote_role, consent FROM client_groups WHERE name = ?", List.of(group))) {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(policy(rs.getString(1), rs.getBoolean(2))) : Optional.empty();
            }
        }
    }

    /** An unknown role is read as admin (the safe side); viewers never reach a client. */
    private static Policy policy(String remoteRole, boolean consent) {
        Role role = Role.fromWireName(remoteRole).orElse(Role.ADMIN);
        return new Policy(role.includes(Role.HELPDESK) ? role : Role.HELPDESK, consent);
    }

    /**
     * Refuses (403) unless {@code who} may reach {@code client}: it is not revoked and the technician's
     * role includes its group's remote role. Returns the client's policy.
     */
    public static Policy require(Connection c, Principal who, Clients.Identity client) throws SQLException {
        if (client.revoked()) {
            throw Refusal.conflict("client " + client.name() + " is revoked");
        }
        Policy policy = policy(c, client.id());
        if (!who.role().includes(policy.remoteRole())) {
            throw Refusal.forbidden(who.name() + " (" + who.role().wireName() + ") may not reach " + client.name()
                    + ": its group needs " + policy.remoteRole().wireName());
        }
        return policy;
    }
}
