package org.visorfleet.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresClusterTest {

    @Test
    void committedRowsSurviveKillAndRestartAndCloseRemovesEverything() throws Exception {
        Path dir;
        long pid;
        int port;
        try (PostgresCluster pg = PostgresCluster.start()) {
            dir = pg.directory();
            port = pg.port();
            pid = pg.pid().orElseThrow();
            assertTrue(Files.isDirectory(dir));
            assertNotEquals(5432, port);
            assertTrue(pg.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:" + port + "/fleet?user=fleet&password="));

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl());
                    Statement s = c.createStatement()) {
                try (ResultSet rs =
                        s.executeQuery("SELECT current_user, current_database(), current_setting('fsync')")) {
                    assertTrue(rs.next());
                    assertEquals("fleet", rs.getString(1));
                    assertEquals("fleet", rs.getString(2));
                    assertEquals("on", rs.getString(3));
                }
                s.execute("CREATE TABLE node (id int PRIMARY KEY, name text NOT NULL)");
                s.execute("INSERT INTO node VALUES (1, 'alpha'), (2, 'beta')");
                assertEquals(List.of("alpha", "beta"), names(s));
            }

            pg.kill();
            assertFalse(pg.isRunning());
            assertFalse(PostgresCluster.running(pid));
            assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl())
                    .close());

            pg.restart();
            assertEquals(port, pg.port());
            assertNotEquals(pid, pg.pid().orElseThrow());
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl());
                    Statement s = c.createStatement()) {
                assertEquals(List.of("alpha", "beta"), names(s));
                s.execute("INSERT INTO node VALUES (3, 'gamma')");
            }
            pid = pg.pid().orElseThrow();
        }
        assertFalse(Files.exists(dir), dir + " still exists");
        assertFalse(PostgresCluster.running(pid));
    }

    @Test
    void twoFastClustersRunSideBySideAndSurviveStopAndRestart() throws Exception {
        long killedPid;
        try (PostgresCluster a = PostgresCluster.startFast();
                PostgresCluster b = PostgresCluster.startFast()) {
            assertNotEquals(a.port(), b.port());
            try (Connection c = DriverManager.getConnection(a.jdbcUrl());
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SHOW fsync")) {
                    assertTrue(rs.next());
                    assertEquals("off", rs.getString(1));
                }
                s.execute("CREATE TABLE node (id int PRIMARY KEY, name text NOT NULL)");
                s.execute("INSERT INTO node VALUES (1, 'only-in-a')");
            }
            try (Connection c = DriverManager.getConnection(b.jdbcUrl());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'node'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1));
            }
            a.stop();
            assertFalse(a.isRunning());
            assertTrue(b.isRunning());
            a.restart();
            try (Connection c = DriverManager.getConnection(a.jdbcUrl());
                    Statement s = c.createStatement()) {
                assertEquals(List.of("only-in-a"), names(s));
            }
            // the superuser URL works too, e.g. for terminating sessions
            try (Connection c = DriverManager.getConnection(a.superuserJdbcUrl());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1));
            }
            // killed and closed without a restart: close() removes what the crash left behind
            killedPid = b.pid().orElseThrow();
            assertTrue(segmentsCreatedBy(killedPid) > 0);
            b.kill();
            assertFalse(b.isRunning());
        }
        assertEquals(0, segmentsCreatedBy(killedPid));
    }

    /** SysV shared memory segments created by a process (column cpid of /proc/sysvipc/shm). */
    private static long segmentsCreatedBy(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/sysvipc/shm")).stream()
                .skip(1)
                .map(row -> row.trim().split("\\s+"))
                .filter(columns -> columns.length > 4 && columns[4].equals(Long.toString(pid)))
                .count();
    }

    private static List<String> names(Statement s) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT name FROM node ORDER BY id")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
