package org.visorfleet.server.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.api.ApiJson;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;

/** How timeouts feed back into a unit's wanted replicas and its {@code maxResults} budget (H2 file, no server). */
class UnitJudgeTest {

    @TempDir
    Path temp;

    Database database;
    GridJobs jobs;
    ReplicaIssuer issuer;
    UnitJudge judge;
    String program;

    @BeforeEach
    void open() throws Exception {
        database = Database.open(Database.h2Url(temp), 4);
        Clock clock = Clock.systemUTC();
        EventLog events = new EventLog(database, "test", clock);
        jobs = new GridJobs(database, events, ApiJson.MAPPER, clock);
        issuer = new ReplicaIssuer(database, ApiJson.MAPPER, clock);
        judge = new UnitJudge(new GridAgents(database, events, clock), events, clock);
        program = GridBlobs.open(database, temp.resolve("blobs"), clock)
                .put(new byte[] {1})
                .sha256();
    }

    @AfterEach
    void close() {
        database.close();
    }

    long unitOf(int replication, int quorum, int maxResults) throws Exception {
        long job = jobs.submit(
                        JobSpec.from(new JobRequest(
                                "j",
                                program,
                                null,
                                List.of(),
                                List.of(new JobRequest.Unit(List.of(), null, Map.of(), null)),
                                replication,
                                quorum,
                                maxResults,
                                60L,
                                null,
                                null,
                                null)),
                        "test")
                .id();
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM grid_units WHERE job_id = ?", List.of(job));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Times out everything running, as the sweep would an hour later. */
    int expireAll() throws Exception {
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
        return new GridDeadlines(database, judge, later).sweep();
    }

    int[] issuedWanted(long unit) throws Exception {
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(
                            c, "SELECT replicas_issued, replicas_wanted FROM grid_units WHERE id = ?", List.of(unit));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        });
    }

    String status(long unit) throws Exception {
        return database.query(c -> {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT status FROM grid_units WHERE id = ?", List.of(unit));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Test
    void aTimedOutReplicaIsReplacedEvenWhileOthersRun() throws Exception {
        long unit = unitOf(3, 2, 6);
        Optional<ServerMessage.Work> first = issuer.issue(unit, 1, "one");
        assertTrue(first.isPresent());
        assertEquals(1, expireAll());
        issuer.issue(unit, 2, "two");
        issuer.issue(unit, 3, "three");
        assertEquals(3, issuedWanted(unit)[0]);
        assertEquals(4, issuedWanted(unit)[1], "three useful replicas wanted: the timed-out one is replaced");
        assertTrue(issuer.issue(unit, 4, "four").isPresent());
        assertTrue(issuer.issue(unit, 5, "five").isEmpty(), "no more than wanted");
    }

    /** A client row, as enrollment makes it, whose status has been {@code status} since {@code since}. */
    long client(String name, String status, long since) throws Exception {
        return database.transaction(c -> {
            Sql.update(
                    c,
                    "INSERT INTO clients (name, hostname, cert_serial, cert_fingerprint, cert_not_after, enrolled_at,"
                            + " status, status_since) VALUES (?, ?, ?, 'f', 0, 0, ?, ?)",
                    name,
                    name,
                    "serial-" + name,
                    status,
                    since);
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM clients WHERE name = ?", List.of(name));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void replicasOfADesktopAwayLongerThanTenMinutesAreReplacedBeforeTheirDeadline() throws Exception {
        long unit = unitOf(2, 2, 6);
        long now = System.currentTimeMillis();
        long gone = client("gone", "offline", now - GridDeadlines.LOST_AFTER.toMillis() - 1_000);
        long blip = client("blip", "unreachable", now - 60_000);
        assertTrue(issuer.issue(unit, gone, "gone").isPresent());
        assertTrue(issuer.issue(unit, blip, "blip").isPresent());
        assertEquals(1, new GridDeadlines(database, judge, Clock.systemUTC()).sweep(), "only the long-gone one");
        assertEquals(3, issuedWanted(unit)[1], "a replacement is wanted");
        assertEquals(0, new GridDeadlines(database, judge, Clock.systemUTC()).sweep());
    }

    @Test
    void timeoutsCountAgainstMaxResultsUntilTheUnitFails() throws Exception {
        long unit = unitOf(1, 1, 3);
        for (int client = 1; client <= 3; client++) {
            assertTrue(issuer.issue(unit, client, "c" + client).isPresent(), "replica " + client);
            assertEquals(1, expireAll());
        }
        assertEquals("failed", status(unit));
        assertTrue(issuer.issue(unit, 4, "c4").isEmpty());
        assertEquals(3, issuedWanted(unit)[0]);
    }

    @Test
    void aClientNeverGetsTwoReplicasOfAUnit() throws Exception {
        long unit = unitOf(2, 2, 4);
        assertTrue(issuer.issue(unit, 1, "one").isPresent());
        assertTrue(issuer.issue(unit, 1, "one").isEmpty());
        assertEquals(List.of(), issuer.candidates(1, 10));
        assertEquals(List.of(unit), issuer.candidates(2, 10));
    }
}
