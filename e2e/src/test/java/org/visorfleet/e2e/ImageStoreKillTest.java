package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image library under kill -9 of the real server process: a version whose import was
 * acknowledged is there after a restart, byte for byte; an import killed halfway leaves no version
 * and no file behind.
 */
@Tag("e2e")
class ImageStoreKillTest {
    static final String PASSWORD = "image-store-kill";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void acknowledgedVersionsSurviveKillNineAndHalfImportsVanish() throws Exception {
        Path data = dir.resolve("server");
        CliProcess.Result init =
                CliProcess.run(dir, TIMEOUT, "server", "init", "--data", data.toString(), "--admin-password", PASSWORD);
        assertEquals(0, init.exit(), init::toString);
        int port = FleetTools.freePort();
        String url = "https://localhost:" + port;
        byte[] image = new byte[16 << 20];
        new SplittableRandom(4).nextBytes(image);
        Path file = dir.resolve("desk.img");
        Files.write(file, image);
        Path big = dir.resolve("big.img");
        try (var out = Files.newOutputStream(big)) {
            byte[] chunk = new byte[1 << 20];
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 0; i < 256; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }

        try (CliProcess server = start(data, port)) {
            assertEquals("desk:1\n", admin(url, data, "image", "import", "--name", "desk", file.toString()));
            assertEquals(137, server.kill(), "SIGKILL right after the acknowledgement");
        }
        try (CliProcess server = start(data, port)) {
            String listed = admin(url, data, "image", "list");
            assertTrue(listed.contains("desk:1   16.0 MiB  " + sha(image).substring(0, 16)), listed);
            List<Path> files = imageFiles(data);
            assertEquals(1, files.size(), files::toString);
            assertEquals(sha(image), sha(Files.readAllBytes(files.getFirst())), "the version's file, byte for byte");

            // An import of 256 MiB, killed while it streams.
            CliProcess upload = CliProcess.start(
                    dir,
                    "image",
                    "import",
                    "--name",
                    "big",
                    big.toString(),
                    "--server",
                    url,
                    "--password",
                    PASSWORD,
                    "--ca",
                    data.resolve("ca.pem").toString());
            try (upload) {
                awaitPart(data, upload);
                assertEquals(137, server.kill(), "SIGKILL during the upload");
            }
        }
        try (CliProcess server = start(data, port)) {
            String list = admin(url, data, "image", "list");
            assertFalse(list.contains("big:"), list);
            assertEquals(1, imageFiles(data).size());
            try (var parts = Files.list(data.resolve("images/.incoming"))) {
                assertEquals(List.of(), parts.toList(), "leftovers of the killed import are removed at start");
            }
        }
    }

    private CliProcess start(Path data, int port) throws Exception {
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
                "0");
        server.await(Pattern.compile("(?m)^server \\S+ listening on "), TIMEOUT);
        return server;
    }

    private String admin(String url, Path data, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--server",
                url,
                "--password",
                PASSWORD,
                "--ca",
                data.resolve("ca.pem").toString()));
        CliProcess.Result r = CliProcess.run(dir, TIMEOUT, all.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        return r.stdout();
    }

    /** Waits until the server is writing the upload into DATA/images/.incoming. */
    private static void awaitPart(Path data, CliProcess upload) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (var parts = Files.list(data.resolve("images/.incoming"))) {
                if (parts.anyMatch(p -> {
                    try {
                        return Files.size(p) > (8 << 20);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                })) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the upload never reached the server\n" + upload);
    }

    private static List<Path> imageFiles(Path data) throws Exception {
        try (var files = Files.list(data.resolve("images"))) {
            return files.filter(p -> p.toString().endsWith(".img")).toList();
        }
    }

    private static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
