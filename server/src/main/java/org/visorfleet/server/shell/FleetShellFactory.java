package org.visorfleet.server.shell;

import java.io.OutputStream;
import java.time.Duration;
import java.util.function.Function;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.ShellFactory;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.shell.fleet.FleetBackend;

/**
 * The fleet shell's entry for the SSH bastion: {@code ssh -p 2222 tech@server} opens an interactive
 * shell ({@link ShellFactory}), {@code ssh -p 2222 tech@server 'clients().size()'} evaluates the
 * command and exits with status 0, or 1 if a snippet failed ({@link CommandFactory}). Plug it in
 * with {@code sshd.setShellFactory(factory)} and {@code sshd.setCommandFactory(factory)}.
 */
public final class FleetShellFactory implements ShellFactory, CommandFactory {

    private final FleetBackend backend;
    private final EventLog events;
    private final Duration snippetTimeLimit;
    private final Function<ServerSession, Principal> principalOf;

    /**
     * @param snippetTimeLimit how long one snippet may run before it is stopped
     * @param principalOf the technician an SSH session signed in as (null refuses the channel)
     * @throws IllegalStateException if this Java runtime lacks JShell (a JRE, or a jlink image
     *     without {@code jdk.jshell})
     */
    public FleetShellFactory(
            FleetBackend backend,
            EventLog events,
            Duration snippetTimeLimit,
            Function<ServerSession, Principal> principalOf) {
        if (ModuleLayer.boot().findModule("jdk.jshell").isEmpty()) {
            throw new IllegalStateException(
                    "the fleet shell needs a full JDK (module jdk.jshell); this Java runtime lacks it");
        }
        if (snippetTimeLimit.isNegative() || snippetTimeLimit.isZero()) {
            throw new IllegalArgumentException("the snippet time limit must be positive");
        }
        this.backend = backend;
        this.events = events;
        this.snippetTimeLimit = snippetTimeLimit;
        this.principalOf = principalOf;
    }

    /** Opens a session of {@code who} printing to {@code terminal}, without SSH (e.g. for tests). */
    public FleetShellSession open(Principal who, OutputStream terminal, String via) {
        return new FleetShellSession(backend, events, who, snippetTimeLimit, terminal, via);
    }

    @Override
    public Command createShell(ChannelSession channel) {
        return new ShellChannel(principalOf, (who, terminal) -> open(who, terminal, "ssh shell"), null);
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        return new ShellChannel(principalOf, (who, terminal) -> open(who, terminal, "ssh exec"), command);
    }
}
