package org.visorfleet.server.ssh;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.RemoteAccess;

/**
 * Turns the host a technician jumps to ({@code ssh -J tech@server CLIENT-NAME}) into the tunnel of
 * that client's agent, or a refusal that says why: no such client, revoked, not the technician's to
 * reach, offline, or connected through another server of the cluster.
 */
final class JumpResolver {

    /** The only port a jump may name: the client's SSH server. */
    static final int SSH_PORT = 22;

    private final Database database;
    private final Clients clients;
    private final AgentTunnels tunnels;
    private final String serverId;

    JumpResolver(Database database, Clients clients, AgentTunnels tunnels, String serverId) {
        this.database = database;
        this.clients = clients;
        this.tunnels = tunnels;
        this.serverId = serverId;
    }

    /** The tunnel to use; throws a {@link Refusal} whose detail is shown to the technician. */
    AgentTunnels.Tunnel resolve(Principal who, String host, int port) throws Exception {
        if (port != SSH_PORT) {
            throw Refusal.forbidden("only port 22 of a client (its SSH server) can be reached, not " + port);
        }
        String name = host == null ? "" : host.strip().toLowerCase(java.util.Locale.ROOT);
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw Refusal.notFound("no client named " + printable(host));
        }
        Clients.Identity client = database.query(c -> {
            Clients.Identity identity = clients.requireIdentity(c, name);
            RemoteAccess.require(c, who, identity);
            return identity;
        });
        var tunnel = tunnels.of(client.id());
        if (tunnel.isPresent()) {
            return tunnel.get();
        }
        throw whyNoTunnel(client);
    }

    private Refusal whyNoTunnel(Clients.Identity client) throws Exception {
        record Where(String status, String serverId, String url) {}
        Where where = database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(
                    c,
                    "SELECT k.status, k.server_id, s.url FROM clients k LEFT JOIN servers s ON s.id = k.server_id"
                            + " WHERE k.id = ?",
                    List.of(client.id()))) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Where(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            }
        });
        if (!"online".equals(where.status())) {
            return Refusal.conflict(client.name() + " is " + where.status());
        }
        if (where.serverId() != null && !where.serverId().equals(serverId)) {
            return Refusal.conflict(client.name() + " is connected to another server ("
                    + (where.url() == null ? where.serverId() : where.url()) + "); jump through that one");
        }
        return Refusal.conflict(client.name() + " is online but has no SSH tunnel (agent with SSH turned off,"
                + " or still connecting)");
    }

    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
