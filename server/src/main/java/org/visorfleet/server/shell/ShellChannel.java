package org.visorfleet.server.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.SignalListener;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.visorfleet.server.auth.Principal;

/**
 * One SSH channel of the fleet shell: an interactive shell with a PTY (the {@link LineEditor},
 * Ctrl-C stops a running snippet), a shell without one ({@code ssh -T}, piped input: each complete
 * snippet is run as it arrives, no echo), or an exec request (the command string is run). Exit
 * status 0, or 1 if a snippet failed (non-interactive) or the technician is unknown.
 */
final class ShellChannel implements Command, SignalListener {

    private static final String PROMPT = "fleet> ";
    private static final String MORE = "  ...> ";

    private final Function<ServerSession, Principal> principalOf;
    private final BiFunction<Principal, OutputStream, FleetShellSession> opener;
    private final StringBuilder pending = new StringBuilder(); // the lines of an unfinished snippet
    private final String command; // null for a shell
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Keys typed while a snippet runs, handled after it (Ctrl-C stops the snippet instead). */
    private final List<Integer> typeAhead = new ArrayList<>();

    private boolean busy;
    private boolean ended;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Environment environment;
    private volatile FleetShellSession session;
    private volatile LineEditor editor;
    private Thread reader;

    ShellChannel(
            Function<ServerSession, Principal> principalOf,
            BiFunction<Principal, OutputStream, FleetShellSession> opener,
            String command) {
        this.principalOf = principalOf;
        this.opener = opener;
        this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        this.environment = env;
        Principal who = principalOf.apply(channel.getSession());
        boolean pty = env.getEnv().containsKey(Environment.ENV_TERM)
                || !env.getPtyModes().isEmpty();
        env.addSignalListener(this, Signal.INT, Signal.WINCH);
        reader = Thread.ofVirtual().name("fleet-shell-reader").start(() -> {
            int status = 1;
            try {
                if (who == null) {
                    err.write("fleet shell: not signed in as a technician\n".getBytes(StandardCharsets.UTF_8));
                    err.flush();
                } else {
                    status = serve(who, pty);
                }
            } catch (IOException e) {
                // the channel closed under us (the client left); nothing to tell anyone
            } finally {
                finish(status);
            }
        });
    }

    /** Closes the session and reports the exit status, once (Ctrl-D may come from the type-ahead). */
    private void finish(int status) {
        if (finished.compareAndSet(false, true)) {
            FleetShellSession open = session;
            if (open != null) {
                open.close();
            }
            exit.onExit(status);
        }
    }

    private int serve(Principal who, boolean pty) throws IOException {
        OutputStream terminal = pty ? new CrlfOutputStream(out) : out;
        session = opener.apply(who, terminal);
        String banner = "visorfleet fleet shell — signed in as " + who.name() + " ("
                + who.role().wireName() + "). help() for help, Ctrl-D to leave.\n";
        if (command != null) {
            return session.run(command) ? 0 : 1;
        }
        if (!pty) {
            err.write(banner.getBytes(StandardCharsets.UTF_8));
            err.flush();
            return piped();
        }
        session.out().print(banner);
        session.out().flush();
        interactive();
        return 0;
    }

    private int piped() throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        boolean ok = true;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            text.append(line).append('\n');
            if (!session.needsMoreInput(text.toString())) {
                ok &= session.run(text.toString());
                text.setLength(0);
            }
        }
        if (!text.toString().isBlank()) {
            ok &= session.run(text.toString());
        }
        return ok ? 0 : 1;
    }

    private void interactive() throws IOException {
        editor = new LineEditor(columns());
        write(editor.start(PROMPT));
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (!handle(b)) {
                return;
            }
        }
    }

    /** One key from the terminal; false once the technician has left. */
    private synchronized boolean handle(int b) throws IOException {
        if (busy) {
            if (b == 0x03) {
                typeAhead.clear();
                session.interrupt();
            } else {
                typeAhead.add(b);
            }
        } else {
            key(b);
        }
        return !ended;
    }

    private void key(int b) throws IOException {
        StringBuilder echo = new StringBuilder();
        switch (editor.feed(b, echo)) {
            case NONE -> write(echo.toString());
            case ENTER -> {
                write(echo.toString());
                String text = pending + editor.line();
                if (text.isBlank()) {
                    pending.setLength(0);
                    write(editor.start(PROMPT));
                } else if (session.needsMoreInput(text)) {
                    pending.append(editor.line()).append('\n');
                    write(editor.start(MORE));
                } else {
                    editor.remember(text.replace('\n', ' '));
                    pending.setLength(0);
                    evaluate(text);
                }
            }
            case CANCEL -> {
                write(echo.toString());
                pending.setLength(0);
                write(editor.start(PROMPT));
            }
            case END -> {
                write("\r\n");
                ended = true;
            }
            case COMPLETE -> complete(pending.toString());
        }
    }

    /** Runs a snippet on its own thread so that the reader still sees Ctrl-C. */
    private void evaluate(String text) {
        busy = true;
        // a platform thread: javac recurses deeply while compiling
        Thread.ofPlatform().name("fleet-shell-eval").daemon(true).start(() -> {
            try {
                session.run(text);
            } catch (RuntimeException e) {
                session.out().println("error: " + e); // the session goes on; the server's log needs no trace
            }
            try {
                synchronized (this) {
                    write(editor.start(PROMPT));
                    busy = false;
                    while (!busy && !ended && !typeAhead.isEmpty()) {
                        key(typeAhead.removeFirst());
                    }
                    if (ended) {
                        finish(0);
                    }
                }
            } catch (IOException e) {
                finish(1); // the channel closed while the snippet ran
            }
        });
    }

    private void complete(String pending) throws IOException {
        String full = pending + editor.line();
        int cursor = pending.length() + editor.cursor();
        FleetShellSession.Completion completion = session.complete(full, cursor);
        if (completion.candidates().isEmpty() || completion.anchor() < pending.length()) {
            write("\007");
            return;
        }
        String typed = full.substring(completion.anchor(), cursor);
        String prefix = completion.commonPrefix();
        if (prefix.length() > typed.length() && prefix.startsWith(typed)) {
            write(editor.replace(editor.cursor() - typed.length(), prefix));
        } else if (completion.candidates().size() > 1) {
            write(editor.leave() + columns(completion.candidates(), editor.width()) + editor.reprint());
        } else {
            write("\007");
        }
    }

    /** The candidates in columns across {@code width}, each row ended by CRLF. */
    static String columns(List<String> candidates, int width) {
        int cell = candidates.stream().mapToInt(String::length).max().orElse(0) + 2;
        int perRow = Math.max(1, width / cell);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < candidates.size(); i++) {
            String c = candidates.get(i);
            boolean last = (i + 1) % perRow == 0 || i == candidates.size() - 1;
            out.append(last ? c + "\r\n" : c + " ".repeat(cell - c.length()));
        }
        return out.toString();
    }

    private synchronized void write(String text) throws IOException {
        if (!text.isEmpty()) {
            session.out().flush();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private int columns() {
        try {
            int columns = Integer.parseInt(environment.getEnv().getOrDefault(Environment.ENV_COLUMNS, "80"));
            return columns > 0 ? columns : 80; // ssh -tt without a terminal of its own says 0
        } catch (NumberFormatException e) {
            return 80; // a client that sends no usable width gets the classic one
        }
    }

    @Override
    public void signal(Channel channel, Signal signal) {
        FleetShellSession open = session;
        if (signal == Signal.INT && open != null) {
            open.interrupt();
        } else if (signal == Signal.WINCH && editor != null) {
            synchronized (this) {
                editor.width(columns());
            }
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        FleetShellSession open = session;
        if (open != null) {
            open.interrupt();
        }
        if (reader != null) {
            reader.interrupt();
        }
    }
}
