package org.visorfleet.server.agents;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.visorfleet.server.db.Database;

/**
 * Commits agents' hellos in groups. Every hello is a durable write (status online, an event), and a
 * database commits one transaction at a time: after a server restart or a failover thousands of
 * agents say hello at once, and one commit each made them queue for minutes. Whatever arrives while
 * a commit is in flight goes into the next one; each agent is welcomed only after the commit that
 * holds its hello. Rows are locked in client-id order, as the heartbeat flush does, so batches never
 * deadlock each other.
 */
final class HelloCommitter {

    /** One hello's part of a batch: runs inside the batch's transaction. */
    @FunctionalInterface
    interface Work {
        /** The agent's acknowledged event sequence, or empty if the client may not come online. */
        Optional<Long> run(Connection c) throws SQLException;
    }

    private record Pending(long clientId, Work work, CompletableFuture<Optional<Long>> done) {}

    private static final int MAX_BATCH = 256;
    private static final System.Logger LOG = System.getLogger(HelloCommitter.class.getName());

    private final Database database;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    HelloCommitter(Database database) {
        this.database = database;
    }

    /** Queues a hello; the future completes after the commit that holds it (or fails with its error). */
    CompletableFuture<Optional<Long>> submit(long clientId, Work work) {
        CompletableFuture<Optional<Long>> done = new CompletableFuture<>();
        queue.add(new Pending(clientId, work, done));
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("hello-committer").start(this::drain);
        }
        return done;
    }

    private void drain() {
        do {
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
                batch.add(p);
            }
            if (!batch.isEmpty()) {
                commit(batch);
            }
            draining.set(false);
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }

    private void commit(List<Pending> batch) {
        batch.sort(Comparator.comparingLong(Pending::clientId));
        try {
            List<Optional<Long>> results = database.transaction(c -> {
                List<Optional<Long>> out = new ArrayList<>();
                for (Pending p : batch) {
                    out.add(p.work().run(c));
                }
                return out;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(results.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            if (batch.size() == 1) {
                batch.getFirst().done().completeExceptionally(e);
                return;
            }
            // One bad hello (or a lock timeout) must not fail its neighbours: retry them one by one.
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "hello batch of {0} failed, retrying singly: {1}",
                    batch.size(),
                    e.toString());
            for (Pending p : batch) {
                commit(new ArrayList<>(List.of(p)));
            }
        }
    }
}
