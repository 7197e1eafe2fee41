package org.visorfleet.server.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;
import org.visorfleet.server.api.AgentPrincipal;
import org.visorfleet.server.api.ApiJson;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.testing.PostgresCluster;

/**
 * Two "servers" (two connection pools, two sets of grid services) on one database, H2 and
 * PostgreSQL: racing to issue replicas of one unit never over-issues nor gives one client two
 * replicas, and results judged concurrently decide the unit and the job exactly once.
 */
class SharedDatabaseGridTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void racingServersIssueExactlyTheWantedReplicasAndDecideOnce(String engine) throws Exception {
        PostgresCluster pg = engine.equals("postgres") ? PostgresCluster.startFast() : null;
        String url = pg != null ? pg.jdbcUrl() : Database.h2Url(temp.resolve("h2"));
        try (Database one = Database.open(url, 8);
                Database two = Database.open(url, 8)) {
            Clock clock = Clock.systemUTC();
            GridBlobs blobs = GridBlobs.open(one, temp.resolve("blobs"), clock);
            String program = blobs.put("program".getBytes()).sha256();
            GridJobs jobs = new GridJobs(one, new EventLog(one, "one", clock), ApiJson.MAPPER, clock);
            JobSpec spec = JobSpec.from(new JobRequest(
                    "race",
                    program,
                    null,
                    List.of(),
                    List.of(new JobRequest.Unit(List.of("x"), null, Map.of(), null)),
                    3,
                    3,
                    5,
                    600L,
                    null,
                    null,
                    null));
            long job = jobs.submit(spec, "user:test").id();
            long unit = one.query(c -> {
                try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM grid_units WHERE job_id = ?", List.of(job));
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });

            List<ReplicaIssuer> issuers = List.of(
                    new ReplicaIssuer(one, ApiJson.MAPPER, clock), new ReplicaIssuer(two, ApiJson.MAPPER, clock));
            ExecutorService pool = Executors.newFixedThreadPool(12);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<ServerMessage.Work>>> attempts = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                ReplicaIssuer issuer = issuers.get(i % 2);
                long client = i % 8; // every client tries through both servers
                Callable<Optional<ServerMessage.Work>> attempt = () -> {
                    go.await();
                    return issuer.issue(unit, client, "client-" + client);
                };
                attempts.add(pool.submit(attempt));
            }
            go.countDown();
            List<ServerMessage.Work> issued = new ArrayList<>();
            for (var attempt : attempts) {
                attempt.get().ifPresent(issued::add);
            }
            assertEquals(3, issued.size(), "exactly the wanted replicas");
            Set<Long> clients = new HashSet<>();
            one.query(c -> {
                try (PreparedStatement ps = Sql.prepare(
                                c, "SELECT client_id FROM grid_assignments WHERE unit_id = ?", List.of(unit));
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertTrue(clients.add(rs.getLong(1)), "one replica per client");
                    }
                }
                return null;
            });
            assertEquals(3, clients.size());

            // The three results arrive at once, through both servers: one decision, one job.done.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            List<GridResults> results = new ArrayList<>();
            for (Database db : List.of(one, two)) {
                EventLog events = new EventLog(db, "s", clock);
                GridAgents agents = new GridAgents(db, events, clock);
                results.add(new GridResults(
                        db, blobs, agents, new UnitJudge(agents, events, clock), events, ApiJson.MAPPER, clock));
            }
            CountDownLatch race = new CountDownLatch(1);
            List<Future<GridResults.Accepted>> answers = new ArrayList<>();
            for (int i = 0; i < issued.size(); i++) {
                ServerMessage.Work work = issued.get(i);
                long client = clients.stream().sorted().toList().get(i);
                KeyPair keys = generator.generateKeyPair();
                new GridAgents(one, new EventLog(one, "one", clock), clock).ensure(client, "client-" + client);
                GridResult result = GridResult.signed(
                        work.assignment(),
                        GridResult.EXITED,
                        0,
                        "",
                        99,
                        "same".getBytes(),
                        new byte[0],
                        Map.of(),
                        keys.getPrivate());
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                WireJson.encode(result, body);
                GridResults target = results.get(i % 2);
                long owner = one.query(c -> {
                    try (PreparedStatement ps = Sql.prepare(
                                    c,
                                    "SELECT client_id FROM grid_assignments WHERE id = ?",
                                    List.of(work.assignment()));
                            ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
                answers.add(pool.submit(() -> {
                    race.await();
                    return target.accept(
                            new AgentPrincipal(owner, "client-" + owner, keys.getPublic()),
                            work.assignment(),
                            new ByteArrayInputStream(body.toByteArray()));
                }));
            }
            race.countDown();
            for (var answer : answers) {
                assertTrue(answer.get().accepted());
            }
            pool.shutdown();
            one.query(c -> {
                try (PreparedStatement ps = Sql.prepare(
                                c,
                                "SELECT status, units_valid, units_open,"
                                        + " (SELECT COUNT(*) FROM events WHERE type = 'job.done'),"
                                        + " (SELECT COUNT(*) FROM grid_assignments WHERE job_id = ? AND validity = 'valid'),"
                                        + " (SELECT SUM(credit) FROM grid_agents)"
                                        + " FROM grid_jobs WHERE id = ?",
                                List.of(job, job));
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals("done", rs.getString(1));
                    assertEquals(1, rs.getInt(2));
                    assertEquals(0, rs.getInt(3));
                    assertEquals(1, rs.getInt(4), "job.done once");
                    assertEquals(3, rs.getInt(5), "every agreeing replica valid, late or not");
                    assertEquals(3 * 99, rs.getLong(6), "credit for each");
                }
                return null;
            });
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }
}
