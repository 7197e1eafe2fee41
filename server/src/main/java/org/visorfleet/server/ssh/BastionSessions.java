package org.visorfleet.server.ssh;

import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.fleet.Clients;

/**
 * Who is on the other end of a bastion session, once authenticated: a technician (who may jump to
 * clients and open the fleet shell) or an agent (which may only serve its tunnel).
 */
public final class BastionSessions {

    static final AttributeKey<Principal> TECHNICIAN = new AttributeKey<>();
    static final AttributeKey<Clients.Identity> AGENT = new AttributeKey<>();

    /** The user name agents sign in with; it can never be a technician's (names start with a-z). */
    public static final String AGENT_USER_PREFIX = "agent:";

    private BastionSessions() {}

    /** The technician signed in on {@code session}, if it is a technician's session. */
    public static Optional<Principal> technician(Session session) {
        return Optional.ofNullable(session.getAttribute(TECHNICIAN));
    }

    /** The client whose agent signed in on {@code session}, if it is an agent's session. */
    public static Optional<Clients.Identity> agent(Session session) {
        return Optional.ofNullable(session.getAttribute(AGENT));
    }

    static String remote(Session session) {
        return String.valueOf(session.getRemoteAddress()).replaceFirst("^/", "");
    }
}
