package org.visorfleet.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * One {@code qemu-system-x86_64 -machine pc} process (TCG) with its serial ports captured.
 *
 * <p>Serial ports: COM1 (0x3F8) is the guest's own channel and is read live from QEMU's stdout;
 * COM2 (0x2F8) receives the firmware console (SeaBIOS, iPXE), because {@code etc/sercon-port} points
 * SeaBIOS's serial console there. Keeping them apart means firmware text, which SeaBIOS flushes
 * lazily, can never interleave with the lines a test matches. QEMU's own messages go to a file.
 *
 * <p>Exit: {@code -device isa-debug-exit,iobase=0xf4} ends QEMU with status {@code value*2+1} when
 * the guest writes {@code value} to port 0xF4; {@code -no-reboot -boot reboot-timeout=0} turn
 * "no bootable device" into a prompt exit with status 0 instead of a hang.
 *
 * <p>Threading: one virtual thread drains stdout; the await methods may be called from any thread.
 * {@link #close} kills this QEMU by its PID (SIGTERM, then SIGKILL after 5 s) and nothing else.
 */
final class QemuGuest implements AutoCloseable {
    static final String QEMU = "qemu-system-x86_64";
    private static final int SERCON_PORT = 0x2F8;
    private static final Pattern ANSI = Pattern.compile("\u001b(\\[[0-9;?]*[A-Za-z]|c)");

    private final List<String> command;
    private final Process process;
    private final Path console;
    private final Path stderr;
    private final Thread reader;
    private final StringBuilder serial = new StringBuilder();
    private boolean serialClosed;
    private final long startNanos = System.nanoTime();

    private QemuGuest(List<String> command, Process process, Path console, Path stderr) {
        this.command = command;
        this.process = process;
        this.console = console;
        this.stderr = stderr;
        this.reader = Thread.ofVirtual().name("qemu-com1-" + process.pid()).start(this::drainSerial);
    }

    /**
     * Starts QEMU with the common machine options followed by {@code machineArgs} (boot source,
     * network). Files go to a fresh directory under {@code workDir}.
     */
    static QemuGuest launch(Path workDir, List<String> machineArgs) throws IOException {
        return launch(workDir, List.of(), machineArgs);
    }

    /**
     * Like {@link #launch(Path, List)}, with QEMU run through {@code commandPrefix}, e.g.
     * {@code ip netns exec NAME} ({@link NetNamespace#commandPrefix()}). The prefix must exec QEMU
     * in place, as {@code ip netns exec} does, so that the PID {@link #close} kills is QEMU's own.
     */
    static QemuGuest launch(Path workDir, List<String> commandPrefix, List<String> machineArgs) throws IOException {
        Path qemu = Prerequisites.tool(QEMU);
        Path dir = Files.createTempDirectory(workDir, "qemu-");
        Path sercon = dir.resolve("sercon-port.bin");
        Files.write(sercon, new byte[] {(byte) SERCON_PORT, (byte) (SERCON_PORT >> 8)}); // little-endian u16
        Path console = dir.resolve("console.log");
        Path stderr = dir.resolve("qemu-stderr.log");
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(
                qemu.toString(),
                "-nodefaults",
                "-machine",
                "pc",
                "-m",
                "128",
                "-display",
                "none",
                "-no-reboot",
                "-boot",
                "reboot-timeout=0",
                "-serial",
                "stdio",
                "-serial",
                "file:" + console,
                "-fw_cfg",
                "name=etc/sercon-port,file=" + sercon,
                "-device",
                "isa-debug-exit,iobase=0xf4,iosize=0x04"));
        command.addAll(machineArgs);
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(stderr.toFile())
                .start();
        return new QemuGuest(List.copyOf(command), process, console, stderr);
    }

    private void drainSerial() {
        byte[] buf = new byte[4096];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (serial) {
                    serial.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    serial.notifyAll();
                }
            }
        } catch (IOException e) {
            // The pipe breaks when close() kills QEMU; the text read so far is all there is.
        } finally {
            synchronized (serial) {
                serialClosed = true;
                serial.notifyAll();
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /** COM1 output so far, CR removed. */
    String serial() {
        synchronized (serial) {
            return serial.toString().replace("\r", "");
        }
    }

    /**
     * Waits until COM1 output matches {@code pattern} and returns the match; fails with
     * {@link #diagnostics} if QEMU exits first or {@code timeout} passes.
     */
    Matcher awaitSerial(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (serial) {
            while (true) {
                Matcher m = pattern.matcher(serial.toString().replace("\r", ""));
                if (m.find()) {
                    return m;
                }
                long left = deadline - System.nanoTime();
                if (serialClosed || left <= 0) {
                    throw new AssertionError((serialClosed ? "QEMU ended" : "timed out after " + timeout)
                            + " before COM1 matched /" + pattern + "/\n" + diagnostics());
                }
                TimeUnit.NANOSECONDS.timedWait(serial, left);
            }
        }
    }

    /** Waits for QEMU to exit and returns its status; fails with {@link #diagnostics} on timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("QEMU still running after " + timeout + "\n" + diagnostics());
        }
        reader.join(Duration.ofSeconds(5)); // the last COM1 bytes arrive before EOF
        return process.exitValue();
    }

    /** Time since launch. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Command line, state, COM1, firmware console (ANSI stripped, last 4 KB) and QEMU's stderr. */
    String diagnostics() {
        String state = process.isAlive() ? "running" : "exit status " + process.exitValue();
        return "--- qemu (pid " + process.pid() + ", " + state + ", "
                + elapsed().toMillis() + " ms): "
                + String.join(" ", command)
                + "\n--- COM1 (guest):\n" + serial()
                + "\n--- COM2 (firmware console " + console + "):\n" + tail(console, true)
                + "\n--- stderr:\n" + tail(stderr, false);
    }

    private static String tail(Path file, boolean stripAnsi) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            if (stripAnsi) {
                text = ANSI.matcher(text).replaceAll("").replace("\r", "\n").replaceAll("\n\\s*\n+", "\n");
            }
            return text.length() > 4096 ? "..." + text.substring(text.length() - 4096) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        Commands.terminate(process);
        Commands.join(reader);
    }
}
