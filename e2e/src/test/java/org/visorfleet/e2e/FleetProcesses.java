package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.visorfleet.server.testing.ApiClient;

/**
 * A fleet of real processes on loopback for scenario tests: {@code visorfleet server init/run} and
 * {@code visorfleet agent enroll/run}, plus admin commands run with the server's CA (never the
 * user's {@code ~/.visorfleet}).
 */
final class FleetProcesses {
    static final String PASSWORD = "correct horse battery";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;

    FleetProcesses(Path dir) {
        this.dir = dir;
    }

    /** {@code server init} into {@code data}, for the names localhost and 127.0.0.1. */
    void initServer(Path data) throws Exception {
        CliProcess.Result init = CliProcess.run(
                dir,
                COMMAND_TIMEOUT,
                "server",
                "init",
                "--data",
                data.toString(),
                "--admin-password",
                PASSWORD,
                "--hostname",
                "localhost",
                "--hostname",
                "127.0.0.1");
        assertEquals(0, init.exit(), init::toString);
    }

    /** {@code server run} on loopback (no boot HTTP port), once it says it listens. */
    CliProcess startServer(Path data, int port) throws Exception {
        CliProcess server = CliProcess.start(
                dir,
                "server",
                "run",
                "--data",
                data.toString(),
                "--https-port",
                Integer.toString(port),
                "--ssh-port",
                "0",
                "--boot-http-port",
                "0",
                "--bind",
                "127.0.0.1");
        return awaitOrClose(
                server, Pattern.compile("server srv-\\S+ listening on " + Pattern.quote("https://localhost:" + port)));
    }

    /** {@code agent enroll} with a fresh token from {@code api}. */
    void enroll(ApiClient api, String url, Path data, String hostname) throws Exception {
        CliProcess.Result enrolled = CliProcess.run(
                dir,
                COMMAND_TIMEOUT,
                "agent",
                "enroll",
                "--server",
                url,
                "--token",
                api.enrollmentToken(null),
                "--data",
                data.toString(),
                "--hostname",
                hostname);
        assertEquals(0, enrolled.exit(), enrolled::toString);
    }

    /** {@code agent run} with extra options, once it is online. */
    CliProcess startAgent(Path data, String url, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "run", "--data", data.toString()));
        args.addAll(List.of(options));
        CliProcess agent = CliProcess.start(dir, args.toArray(String[]::new));
        return awaitOrClose(agent, Pattern.compile("online on " + Pattern.quote(url) + " \\(srv-"));
    }

    /** An admin command against {@code url}, trusting the server's CA file. */
    CliProcess.Result admin(String url, Path ca, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url, "--user", "admin", "--password", PASSWORD, "--ca", ca.toString()));
        return CliProcess.run(dir, COMMAND_TIMEOUT, all.toArray(String[]::new));
    }

    /**
     * Like {@link #admin}, for commands that end in {@code -- COMMAND...} ({@code remote run}): the
     * login options go before the {@code --}.
     */
    CliProcess.Result admin(String url, Path ca, List<String> args, List<String> command) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--server", url, "--user", "admin", "--password", PASSWORD, "--ca", ca.toString(), "--"));
        all.addAll(command);
        return CliProcess.run(dir, COMMAND_TIMEOUT, all.toArray(String[]::new));
    }

    /**
     * Logs in with the API client. A server that has just started answers its first TLS handshakes
     * slowly (cold JIT), more slowly than the client's connect timeout on a loaded CI machine, so a
     * connect timeout is retried until {@link #START_TIMEOUT}.
     */
    static ApiClient login(String url, Path ca) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            ApiClient api = new ApiClient(URI.create(url), ca);
            try {
                return api.login("admin", PASSWORD);
            } catch (HttpConnectTimeoutException e) {
                api.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private static CliProcess awaitOrClose(CliProcess process, Pattern line) throws Exception {
        try {
            process.await(line, START_TIMEOUT);
            return process;
        } catch (AssertionError e) {
            process.close();
            throw e;
        }
    }
}
