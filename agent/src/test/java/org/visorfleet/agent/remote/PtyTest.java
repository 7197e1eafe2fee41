package org.visorfleet.agent.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PtyTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Map<String, String> ENV =
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "TERM", "xterm", "PS1", "$ ", "HOME", "/");
    private static final Path ROOT = Path.of("/");

    /** Collects a pty's output on a platform thread, so a test can wait for text to appear. */
    private static final class Screen {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final Thread reader;

        Screen(Pty pty) {
            InputStream in = pty.output();
            reader = Thread.ofPlatform().daemon().start(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        synchronized (seen) {
                            seen.write(buffer, 0, n);
                            seen.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    synchronized (seen) {
                        seen.writeBytes(("\n[read failed: " + e + "]").getBytes(UTF_8));
                        seen.notifyAll();
                    }
                }
            });
        }

        String text() {
            synchronized (seen) {
                return seen.toString(UTF_8);
            }
        }

        /** Waits until the output so far matches {@code regex} somewhere; the match. */
        Matcher await(String regex) throws InterruptedException {
            Pattern pattern = Pattern.compile(regex);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            synchronized (seen) {
                while (true) {
                    Matcher m = pattern.matcher(seen.toString(UTF_8));
                    if (m.find()) {
                        return m;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("no /" + regex + "/ in output:\n" + seen.toString(UTF_8));
                    }
                    seen.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        /** Waits for end of stream; everything the program wrote. */
        String awaitEnd() throws InterruptedException {
            reader.join(PATIENCE);
            assertFalse(reader.isAlive(), "output did not end: " + text());
            return text();
        }
    }

    private static Pty shell(String script) throws IOException {
        return Pty.spawn(List.of("/bin/sh", "-c", script), ENV, ROOT, 80, 24);
    }

    /** Waits until {@code parent} has a child process named {@code name} (from /proc/PID/stat). */
    private static void awaitChild(long parent, String name) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                boolean found = processes
                        .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                        .anyMatch(p -> isChild(p.resolve("stat"), parent, name));
                if (found) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        fail("no child " + name + " of " + parent + " within " + PATIENCE);
    }

    /** Whether {@code /proc/PID/stat} says "PID (name) STATE parent ...". */
    private static boolean isChild(Path stat, long parent, String name) {
        try {
            String line = Files.readString(stat);
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            String[] rest = line.substring(close + 2).split(" ");
            return line.substring(open + 1, close).equals(name) && Long.parseLong(rest[1]) == parent;
        } catch (IOException | RuntimeException e) {
            return false; // the process ended while we looked
        }
    }

    private static void type(Pty pty, String keys) throws IOException {
        pty.input().write(keys.getBytes(UTF_8));
        pty.input().flush();
    }

    private static int exitOf(Pty pty) throws InterruptedException {
        Optional<Integer> status = pty.waitFor(PATIENCE);
        assertTrue(status.isPresent(), "program still running");
        return status.get();
    }

    @Test
    void sttySeesTheInitialSizeAndEveryResize() throws Exception {
        try (Pty pty = Pty.spawn(List.of("sh"), ENV, ROOT, 80, 24)) {
            Screen screen = new Screen(pty);
            screen.await("\\$ $");
            // The digits only appear once stty has run: the echoed command line holds none.
            type(pty, "stty size\n");
            screen.await("(?<![0-9])24 80\r\n");
            pty.resize(100, 30);
            type(pty, "stty size\n");
            screen.await("(?<![0-9])30 100\r\n");
            type(pty, "exit\n");
            assertEquals(0, exitOf(pty));
        }
    }

    @Test
    void theProgramLeadsASessionWhoseControllingTerminalIsThePty(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "MARK", "marked-42");
        try (Pty pty = Pty.spawn(
                List.of("sh", "-c", "tty; echo \"$MARK\"; pwd; cat /proc/$$/stat; ps -o sid=,pgid=,tty= -p $$"),
                env,
                dir,
                80,
                24)) {
            String out = new Screen(pty).awaitEnd();
            assertEquals(0, exitOf(pty));
            String[] lines = out.split("\r\n");
            Matcher tty = Pattern.compile("/dev/pts/(\\d+)").matcher(lines[0]);
            assertTrue(tty.matches(), "tty printed: " + out);
            int ptsNumber = Integer.parseInt(tty.group(1));
            assertEquals("marked-42", lines[1], "the environment is the one given");
            assertEquals(dir.toRealPath().toString(), lines[2], "the working directory is the one given");

            // /proc/<pid>/stat after the command name: state ppid pgrp session tty_nr tpgid ...
            String[] stat = lines[3].substring(lines[3].lastIndexOf(')') + 2).split(" ");
            long pgrp = Long.parseLong(stat[2]);
            long session = Long.parseLong(stat[3]);
            int ttyNr = Integer.parseInt(stat[4]);
            long foreground = Long.parseLong(stat[5]);
            assertEquals(pty.pid(), session, "session leader");
            assertEquals(pty.pid(), pgrp, "process group leader");
            assertEquals(pty.pid(), foreground, "its group is the terminal's foreground group");
            // tty_nr = minor bits 0-7 and 20-31, major bits 8-19; /dev/pts/N is major 136 + N / 256.
            int major = (ttyNr >> 8) & 0xfff;
            int minor = (ttyNr & 0xff) | ((ttyNr >>> 12) & 0xfff00);
            assertEquals(ptsNumber, (major - 136) * 256 + minor, "controlling terminal is " + lines[0]);
            assertEquals(
                    pty.pid() + " " + pty.pid() + " pts/" + ptsNumber,
                    lines[4].trim().replaceAll(" +", " "));
        }
    }

    @Test
    void theProgramHoldsOnlyTheTerminalAndNoneOfTheAgentsDescriptors() throws Exception {
        try (Pty pty = Pty.spawn(List.of("cat"), ENV, ROOT, 80, 24)) {
            type(pty, "up\n");
            new Screen(pty).await("up\r\nup\r\n");
            Path fds = Path.of("/proc/" + pty.pid() + "/fd");
            try (Stream<Path> list = Files.list(fds)) {
                List<String> targets = list.sorted()
                        .map(fd -> {
                            try {
                                return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })
                        .toList();
                assertEquals(3, targets.size(), "descriptors: " + targets);
                String slave = targets.getFirst().substring("0->".length());
                assertTrue(slave.matches("/dev/pts/\\d+"), slave);
                assertEquals(List.of("0->" + slave, "1->" + slave, "2->" + slave), targets);
            }
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundJobAndTheShellCarriesOn() throws Exception {
        try (Pty pty = Pty.spawn(List.of("/bin/sh", "-i"), ENV, ROOT, 80, 24)) {
            Screen screen = new Screen(pty);
            screen.await("\\$ $");
            long start = System.nanoTime();
            type(pty, "echo sleep-$((1+1)); sleep 100\n");
            screen.await("sleep-2\r\n");
            // A Ctrl-C that reaches the shell before sleep runs is the shell's to handle, not sleep's.
            awaitChild(pty.pid(), "sleep");
            type(pty, "\u0003");
            // A line typed before the shell is back at its prompt may be discarded with the interrupt.
            screen.await("(?s)\\^C.*\\$ $");
            // Had sleep survived, this line would wait 100 s; computed, it proves the shell ran it.
            type(pty, "echo after-$((3+4))\n");
            screen.await("after-7\r\n");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
            type(pty, "exit 7\n");
            assertEquals(7, exitOf(pty));
        }
    }

    @Test
    void typedTextIsEchoedByTheLineDiscipline() throws Exception {
        try (Pty pty = shell("read line; echo \"got:$line\"")) {
            Screen screen = new Screen(pty);
            type(pty, "hello\n");
            String out = screen.awaitEnd();
            assertEquals(0, exitOf(pty));
            // The program prints only "got:hello"; the bare "hello" line is the terminal's echo.
            assertEquals("hello\r\ngot:hello\r\n", out);
        }
    }

    @Test
    void closeHangsUpAProgramThatIgnoresNothing() throws Exception {
        Pty pty = Pty.spawn(List.of("sleep", "100"), ENV, ROOT, 80, 24);
        assertEquals(Optional.empty(), pty.waitFor(Duration.ofMillis(200)));
        long start = System.nanoTime();
        pty.close();
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1500, "no SIGKILL grace needed");
        assertEquals(128 + 1, pty.waitFor());
        pty.close();
        assertEquals(-1, pty.output().read(), "output ends once closed");
        assertThrows(IOException.class, () -> type(pty, "x"));
        assertThrows(IOException.class, () -> pty.signal(15));
    }

    @Test
    void closeKillsAProgramThatIgnoresTheHangupAfterTwoSeconds() throws Exception {
        Pty pty = shell("trap '' HUP; echo ready; sleep 100");
        Screen screen = new Screen(pty);
        screen.await("ready");
        long start = System.nanoTime();
        pty.close();
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis >= 2000 && millis < 5000, "closed after " + millis + " ms");
        assertEquals(128 + 9, pty.waitFor());
        screen.awaitEnd();
    }

    @Test
    void signalReachesTheProgram() throws Exception {
        try (Pty pty = shell("echo ready; sleep 100")) {
            new Screen(pty).await("ready");
            pty.signal(15);
            assertEquals(128 + 15, exitOf(pty));
        }
    }

    @Test
    void aMissingProgramOrDirectoryIsAClearError() {
        IOException missing =
                assertThrows(IOException.class, () -> Pty.spawn(List.of("nosuch-program-xyz"), ENV, ROOT, 80, 24));
        assertEquals("cannot start nosuch-program-xyz: No such file or directory", missing.getMessage());
        IOException noDir = assertThrows(
                IOException.class, () -> Pty.spawn(List.of("sh"), ENV, Path.of("/nosuch-dir-xyz"), 80, 24));
        assertEquals("cannot start sh: working directory /nosuch-dir-xyz is not a directory", noDir.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pty.spawn(List.of(), ENV, ROOT, 80, 24));
        assertThrows(IllegalArgumentException.class, () -> Pty.spawn(List.of("sh"), ENV, ROOT, 70000, 24));
        assertThrows(IllegalArgumentException.class, () -> Pty.spawn(List.of("sh"), Map.of("A=B", "c"), ROOT, 80, 24));
    }

    @Test
    void fiftySpawnsLeaveNoDescriptorBehind() throws Exception {
        cycle();
        long before = openDescriptors();
        for (int i = 0; i < 50; i++) {
            cycle();
        }
        assertEquals(before, openDescriptors());
    }

    private static void cycle() throws Exception {
        Pty pty = Pty.spawn(List.of("cat"), ENV, ROOT, 80, 24);
        pty.close();
        assertEquals(128 + 1, pty.waitFor());
        assertThrows(IOException.class, () -> Pty.spawn(List.of("nosuch-program-xyz"), ENV, ROOT, 80, 24));
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void largeOutputIsReadCompletelyToTheEnd() throws Exception {
        try (Pty pty = Pty.spawn(List.of("seq", "1", "200000"), ENV, ROOT, 80, 24)) {
            byte[] all = pty.output().readAllBytes();
            assertEquals(0, exitOf(pty));
            String expected = IntStream.rangeClosed(1, 200_000)
                    .mapToObj(Integer::toString)
                    .collect(Collectors.joining("\r\n", "", "\r\n"));
            assertEquals(expected.length(), all.length);
            assertEquals(expected, new String(all, UTF_8));
        }
    }
}
