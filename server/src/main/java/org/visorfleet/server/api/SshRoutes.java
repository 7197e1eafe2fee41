package org.visorfleet.server.api;

import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.fleet.Clients;

/**
 * What an SSH client needs to verify before it jumps to a desktop, so that it never has to trust a
 * key on first sight: {@code GET /api/v1/ssh} names this server's bastion port and host key, and
 * {@code GET /api/v1/ssh/clients/NAME} the host key of a desktop's own SSH server (its enrolled
 * certificate's key). Both in OpenSSH form, as {@code known_hosts} holds them.
 */
public final class SshRoutes {

    private final Supplier<AgentHub.SshEndpoint> bastion;
    private final Clients clients;

    /** @param bastion where this server's bastion listens ({@link AgentHub.SshEndpoint#NONE} if none) */
    public SshRoutes(Supplier<AgentHub.SshEndpoint> bastion, Clients clients) {
        this.bastion = bastion;
        this.clients = clients;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("GET", "/api/v1/ssh", Role.VIEWER, this::bastion),
                Route.of("GET", "/api/v1/ssh/clients/{name}", Role.VIEWER, this::clientHostKey));
    }

    /** {@code {"port","hostKey"}}; port 0 and hostKey null where this server runs no bastion. */
    private Reply bastion(Call call) {
        AgentHub.SshEndpoint endpoint = bastion.get();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("port", endpoint.port());
        answer.put("hostKey", endpoint.hostKey());
        return Reply.ok(answer);
    }

    /** {@code {"name","hostKey"}}; 404 for an unknown client or one whose key the server never kept. */
    private Reply clientHostKey(Call call) throws Exception {
        String name = call.path(0);
        PublicKey key =
                clients.publicKey(name).orElseThrow(() -> Refusal.notFound("no host key known for client " + name));
        return Reply.ok(Map.of("name", name, "hostKey", PublicKeyEntry.toString(key)));
    }
}
