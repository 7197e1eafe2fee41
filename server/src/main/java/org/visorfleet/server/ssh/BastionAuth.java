package org.visorfleet.server.ssh;

import java.security.PublicKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.visorfleet.server.auth.LoginThrottle;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Users;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.Clients;

/**
 * Who may sign in to the bastion. Technicians: with one of the public keys registered on their
 * account, or with their password where the server allows passwords. Agents: as {@code
 * agent:CERT-SERIAL} with the key of that enrolled, unrevoked certificate. Each sign-in, and each
 * connection that ends without one, is an event.
 */
final class BastionAuth implements PublickeyAuthenticator, PasswordAuthenticator, SessionListener {

    /** The user name a connection tried to sign in as (audited if it never succeeds). */
    private static final org.apache.sshd.common.AttributeRepository.AttributeKey<String> ATTEMPTED =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();

    private static final System.Logger LOG = System.getLogger(BastionAuth.class.getName());

    private final Database database;
    private final SshKeys keys;
    private final Users users;
    private final LoginThrottle throttle;
    private final EventLog events;

    BastionAuth(Database database, SshKeys keys, Users users, LoginThrottle throttle, EventLog events) {
        this.database = database;
        this.keys = keys;
        this.users = users;
        this.throttle = throttle;
        this.events = events;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        session.setAttribute(ATTEMPTED, username);
        try {
            if (username.startsWith(BastionSessions.AGENT_USER_PREFIX)) {
                Optional<Clients.Identity> agent =
                        agent(username.substring(BastionSessions.AGENT_USER_PREFIX.length()), key);
                agent.ifPresent(a -> session.setAttribute(BastionSessions.AGENT, a));
                return agent.isPresent();
            }
            Optional<Principal> technician = keys.owner(username, key);
            technician.ifPresent(p -> session.setAttribute(BastionSessions.TECHNICIAN, p));
            return technician.isPresent();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "ssh: cannot check key of {0}: {1}", username, e.toString());
            return false;
        }
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        session.setAttribute(ATTEMPTED, username);
        String remote = BastionSessions.remote(session);
        if (username.startsWith(BastionSessions.AGENT_USER_PREFIX)
                || throttle.retryAfter(username, remote).isPresent()) {
            return false;
        }
        try {
            Optional<Principal> technician = users.authenticate(username, password);
            if (technician.isEmpty()) {
                throttle.failed(username, remote);
                return false;
            }
            throttle.succeeded(username);
            session.setAttribute(BastionSessions.TECHNICIAN, technician.get());
            return true;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "ssh: cannot check password of {0}: {1}", username, e.toString());
            return false;
        }
    }

    private Optional<Clients.Identity> agent(String serial, PublicKey key) throws Exception {
        String offered = Clients.encodeKey(key);
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(
                    c, "SELECT id, name, revoked_at, public_key FROM clients WHERE cert_serial = ?", List.of(serial))) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Clients.Identity>empty();
                    }
                    long id = rs.getLong(1);
                    String name = rs.getString(2);
                    rs.getLong(3);
                    boolean revoked = !rs.wasNull();
                    if (revoked || !offered.equals(rs.getString(4))) {
                        return Optional.<Clients.Identity>empty();
                    }
                    return Optional.of(new Clients.Identity(id, name, false));
                }
            }
        });
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        // Keys are looked up before their signature is checked; keep only who really signed in.
        String user = session.getUsername();
        if (BastionSessions.technician(session)
                .filter(p -> p.name().equals(user))
                .isEmpty()) {
            session.removeAttribute(BastionSessions.TECHNICIAN);
        }
        if (!user.startsWith(BastionSessions.AGENT_USER_PREFIX)) {
            session.removeAttribute(BastionSessions.AGENT);
        }
        BastionSessions.technician(session)
                .ifPresent(p -> events.appendQuietly("ssh.login", p.actor(), null, "from " + remote(session)));
        BastionSessions.agent(session)
                .ifPresent(a -> LOG.log(System.Logger.Level.DEBUG, "ssh: agent of {0} signed in", a.name()));
    }

    @Override
    public void sessionClosed(Session session) {
        String user = session.getAttribute(ATTEMPTED);
        if (!session.isAuthenticated() && user != null) {
            String shown = user.length() > 64 ? user.substring(0, 64) + "..." : user;
            events.appendQuietly(
                    "ssh.login-failed",
                    "remote:" + remote(session),
                    null,
                    "user " + shown.replaceAll("\\p{Cntrl}", "?"));
        }
    }

    private static String remote(Session session) {
        return BastionSessions.remote(session);
    }
}
