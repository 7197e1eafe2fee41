package org.visorfleet.server.grid;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.agents.AgentHub;

/**
 * Gives work to the agents connected here that asked for it: the latest {@link
 * AgentMessage.GridStatus} says idle with free slots, and the client is not flagged. Between two
 * statuses an agent gets at most its {@code freeSlots} replicas (its next status counts what it
 * accepted). Runs on the grid thread only.
 */
public final class GridScheduler {

    private static final System.Logger LOG = System.getLogger(GridScheduler.class.getName());
    /** Most replicas one status may ask for: an agent claiming more slots cannot hoard a job. */
    static final int MAX_SLOTS = 64;

    /** Replicas sent to a client since its status {@code status} arrived. */
    private record Sent(AgentMessage.GridStatus status, int count) {}

    private final AgentHub hub;
    private final GridAgents agents;
    private final ReplicaIssuer issuer;
    private final Map<Long, Sent> sent = new HashMap<>();

    public GridScheduler(AgentHub hub, GridAgents agents, ReplicaIssuer issuer) {
        this.hub = hub;
        this.agents = agents;
        this.issuer = issuer;
    }

    /** Issues the first unit the peer may take and sends it; false if there is none. */
    private boolean giveOne(AgentHub.GridPeer peer) throws SQLException {
        for (long unit : issuer.candidates(peer.clientId(), 4)) {
            Optional<ServerMessage.Work> work = issuer.issue(unit, peer.clientId(), peer.name());
            if (work.isPresent()) {
                // If the agent went away meanwhile, the replica times out at its deadline.
                hub.sendTo(peer.clientId(), work.get());
                LOG.log(
                        System.Logger.Level.INFO,
                        "grid: assignment {0} (job {1} unit {2}) to {3}",
                        work.get().assignment(),
                        work.get().job(),
                        work.get().unit(),
                        peer.name());
                return true;
            }
        }
        return false;
    }

    /** One scheduling round over the agents connected here; returns how many replicas went out. */
    public int round() throws SQLException {
        var peers = hub.gridPeers().stream()
                .filter(p ->
                        p.status() != null && p.status().idle() && p.status().freeSlots() > 0)
                .toList();
        sent.keySet().retainAll(peers.stream().map(AgentHub.GridPeer::clientId).toList());
        if (peers.isEmpty() || !issuer.anyWanted()) {
            return 0;
        }
        Set<Long> flagged = agents.flagged();
        // Round robin, one replica per agent per turn: work spreads over the idle agents instead
        // of filling the first one's slots.
        Map<Long, Integer> free = new HashMap<>();
        for (AgentHub.GridPeer peer : peers) {
            Sent before = sent.get(peer.clientId());
            int already = before != null && before.status() == peer.status() ? before.count() : 0;
            sent.put(peer.clientId(), new Sent(peer.status(), already));
            int slots = Math.min(peer.status().freeSlots(), MAX_SLOTS);
            if (!flagged.contains(peer.clientId()) && slots > already) {
                agents.ensure(peer.clientId(), peer.name());
                free.put(peer.clientId(), slots - already);
            }
        }
        int total = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (AgentHub.GridPeer peer : peers) {
                if (free.getOrDefault(peer.clientId(), 0) > 0 && giveOne(peer)) {
                    free.merge(peer.clientId(), -1, Integer::sum);
                    Sent before = sent.get(peer.clientId());
                    sent.put(peer.clientId(), new Sent(before.status(), before.count() + 1));
                    total++;
                    progress = true;
                } else {
                    free.remove(peer.clientId());
                }
            }
        }
        return total;
    }
}
