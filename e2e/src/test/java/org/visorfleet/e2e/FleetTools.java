package org.visorfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code curl} and {@code openssl} as an administrator would run them against a fleet
 * server, plus free loopback ports. Every command runs to completion with its output in files (no
 * pipe to drain) and is killed by PID if it hangs.
 */
final class FleetTools {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private FleetTools() {}

    /** What a finished tool printed and returned. */
    record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    /**
     * One HTTP exchange made by curl.
     *
     * @param exit curl's exit status (0 = a response arrived, whatever its status; 60 = certificate
     *     not trusted)
     * @param status the HTTP status, 0 when there was no response
     */
    record Http(int exit, int status, String body, String stderr) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return "curl exit " + exit + ", HTTP " + status + ": " + body + (stderr.isBlank() ? "" : "\n" + stderr);
        }
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * {@code curl -sS [--cacert CA] -X METHOD [-H Authorization] [--data-binary @BODY] URL}; the body
     * goes through a file, not the command line, so passwords do not show up in {@code ps}.
     *
     * @param caPem the only CA curl trusts, or null for curl's default trust store
     * @param bearer an API token, or null
     * @param body the request body (sent as JSON), or null for none
     */
    static Http curl(Path workDir, Path caPem, String method, String url, String bearer, byte[] body)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "curl", "-sS", "--max-time", "15", "-X", method, "-o", "-", "-w", "\n%{http_code}", "--noproxy", "*"));
        if (caPem != null) {
            command.addAll(List.of("--cacert", caPem.toString()));
        }
        if (bearer != null) {
            // From a file as well: -H @file reads headers, keeping the token out of the process list.
            Path header = Files.createTempFile(workDir, "curl-", ".hdr");
            Files.writeString(header, "Authorization: Bearer " + bearer + "\n");
            command.addAll(List.of("-H", "@" + header));
        }
        if (body != null) {
            Path file = Files.createTempFile(workDir, "curl-", ".body");
            Files.write(file, body);
            command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@" + file));
        }
        command.add(url);
        Run run = run(workDir, command);
        String out = run.stdout();
        int newline = out.lastIndexOf('\n');
        int status = Integer.parseInt(out.substring(newline + 1).strip());
        return new Http(run.exit(), status, out.substring(0, newline), run.stderr());
    }

    static Http curl(Path workDir, Path caPem, String method, String url, String bearer, String jsonBody)
            throws IOException, InterruptedException {
        return curl(
                workDir,
                caPem,
                method,
                url,
                bearer,
                jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code openssl ARGS...} to completion. */
    static Run openssl(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return run(workDir, command);
    }

    /** The first PEM block (BEGIN to END line) of {@code pem}, e.g. the leaf of a chain file. */
    static String firstPemBlock(Path pem) throws IOException {
        String text = Files.readString(pem);
        String end = "-----END CERTIFICATE-----";
        int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
        int stop = text.indexOf(end, begin);
        if (begin < 0 || stop < 0) {
            throw new IOException(pem + " holds no PEM certificate");
        }
        return text.substring(begin, stop + end.length()) + "\n";
    }

    static Run run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "tool-", ".out");
        Path err = Files.createTempFile(workDir, "tool-", ".err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            Commands.terminate(process);
            throw new AssertionError("still running after " + TIMEOUT + ": " + String.join(" ", command));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
