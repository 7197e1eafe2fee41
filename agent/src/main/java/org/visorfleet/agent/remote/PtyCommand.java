package org.visorfleet.agent.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A program on its own pseudo-terminal, for an SSH channel that asked for one (an interactive shell,
 * or {@code ssh -t host command}): the terminal gets the size the client announced and follows its
 * window changes; what the program writes goes to the channel and, for recorded sessions, to an
 * asciicast file.
 */
final class PtyCommand extends StreamCommand {

    private static final System.Logger LOG = System.getLogger(PtyCommand.class.getName());

    private final List<String> argv;
    private final Path recording;
    private final String title;
    private volatile Pty pty;
    private volatile AsciicastRecorder recorder;
    private final AtomicBoolean exited = new AtomicBoolean();

    /**
     * @param recording where to record the session (asciicast v2), or null for none
     * @param title the recording's title
     */
    PtyCommand(List<String> argv, Path recording, String title) {
        this.argv = List.copyOf(argv);
        this.recording = recording;
        this.title = title;
    }

    /** Whether the channel asked for a terminal (pty-req sets the size). */
    static boolean wanted(Environment env) {
        return env.getEnv().containsKey(Environment.ENV_COLUMNS);
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        Map<String, String> requested = env.getEnv();
        int columns = dimension(requested.get(Environment.ENV_COLUMNS), 80);
        int rows = dimension(requested.get(Environment.ENV_LINES), 24);
        String term = requested.getOrDefault(Environment.ENV_TERM, "xterm-256color");
        Path home = Path.of(System.getProperty("user.home"));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TERM", term);
        environment.put("HOME", home.toString());
        environment.put("USER", System.getProperty("user.name"));
        environment.put("LOGNAME", System.getProperty("user.name"));
        environment.put("SHELL", argv.getFirst());
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        environment.put("LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
        Pty started = Pty.spawn(argv, environment, home, columns, rows);
        pty = started;
        if (recording != null) {
            recorder = new AsciicastRecorder(
                    recording, columns, rows, title, Map.of("TERM", term, "SHELL", argv.getFirst()));
        }
        env.addSignalListener(
                (ch, signal) -> {
                    int c = dimension(env.getEnv().get(Environment.ENV_COLUMNS), columns);
                    int r = dimension(env.getEnv().get(Environment.ENV_LINES), rows);
                    try {
                        started.resize(c, r);
                        AsciicastRecorder rec = recorder;
                        if (rec != null) {
                            rec.resize(c, r);
                        }
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.DEBUG, "resize: {0}", e.getMessage());
                    }
                },
                Signal.WINCH);
        Thread.ofPlatform().daemon().name("pty-out-" + started.pid()).start(() -> pumpOutput(started));
        Thread.ofPlatform().daemon().name("pty-in-" + started.pid()).start(() -> pumpInput(started));
    }

    private void pumpOutput(Pty started) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream output = started.output()) {
            int n;
            while ((n = output.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
                AsciicastRecorder rec = recorder;
                if (rec != null) {
                    rec.output(buffer, n);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "pty output: {0}", e.getMessage());
        }
        int status;
        try {
            status = started.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 255;
        }
        finish(status);
    }

    private void pumpInput(Pty started) {
        byte[] buffer = new byte[16 * 1024];
        try {
            OutputStream input = started.input();
            int n;
            while ((n = in.read(buffer)) > 0) {
                input.write(buffer, 0, n);
                input.flush();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "pty input: {0}", e.getMessage());
        }
    }

    private void finish(int status) {
        if (!exited.compareAndSet(false, true)) {
            return;
        }
        closeRecorder();
        exit.onExit(status);
    }

    private void closeRecorder() {
        AsciicastRecorder rec = recorder;
        if (rec != null) {
            try {
                rec.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "recording {0}: {1}", recording, e.getMessage());
            }
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Pty started = pty;
        if (started != null) {
            started.close();
        }
        closeRecorder();
    }

    private static int dimension(String value, int fallback) {
        try {
            int parsed = Integer.parseInt(value);
            return parsed > 0 && parsed <= 10_000 ? parsed : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
