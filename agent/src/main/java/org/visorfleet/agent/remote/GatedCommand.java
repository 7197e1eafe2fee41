package org.visorfleet.agent.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;

/**
 * Puts every session on the agent's SSH server (shell, exec, SFTP) through the same door: the
 * desktop's user consents first where the client's group asks for it, the fleet is told (no session
 * runs unaudited: if the fleet cannot be told, it does not run), and when it ends the fleet is told
 * again and gets the recording, if there is one.
 */
class GatedCommand extends StreamCommand {

    /** Makes the real command once the session has an id (recordings are named by it). */
    @FunctionalInterface
    interface Delegate {
        Command create(long sessionId) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(GatedCommand.class.getName());

    private final String kind;
    private final String detail;
    private final AgentSshServer.Door door;
    private final Delegate delegate;
    private volatile Command running;

    GatedCommand(String kind, String detail, AgentSshServer.Door door, Delegate delegate) {
        this.kind = kind;
        this.detail = detail;
        this.door = door;
        this.delegate = delegate;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        // Consent may take the user half a minute: not on an SSH I/O thread.
        Thread.ofVirtual().name("ssh-" + kind).start(() -> open(channel, env));
    }

    private void open(ChannelSession channel, Environment env) {
        ServerSession session = channel.getServerSession();
        String user = session.getUsername();
        FleetGate.Verdict verdict = session.getAttribute(AgentSshServer.VERDICT);
        PublicKey key = session.getAttribute(AgentSshServer.KEY);
        if (verdict == null || key == null) {
            refuse("not authorized");
            return;
        }
        String consent = "not-required";
        if (verdict.consent()) {
            boolean yes = door.consent()
                    .ask(
                            "Remote session",
                            "Helpdesk technician " + verdict.technician() + " asks to open "
                                    + (kind.equals("shell")
                                            ? "a shell"
                                            : kind.equals("exec") ? "a command" : "a file transfer")
                                    + " session on this computer. Allow?");
            consent = yes ? "granted" : "denied";
        }
        long id;
        try {
            id = door.gate().opened(user, key, kind, detail, consent);
        } catch (IOException e) {
            refuse("the fleet could not record this session (" + e.getMessage() + "); refused");
            return;
        }
        if (consent.equals("denied")) {
            refuse("the user of this computer declined the session");
            return;
        }
        try {
            Command command = delegate.create(id);
            if (in != null) {
                command.setInputStream(in);
                command.setOutputStream(out);
                command.setErrorStream(err);
            }
            command.setExitCallback((status, message, closeImmediately) -> {
                ended(id);
                exit.onExit(status, message, closeImmediately);
            });
            running = command;
            command.start(channel, env);
        } catch (IOException | RuntimeException e) {
            ended(id);
            refuse("cannot start: " + e.getMessage());
        }
    }

    private void ended(long id) {
        try {
            door.gate().ended(id);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "session {0} end not reported: {1}", id, e.getMessage());
        }
        Path recording = door.recording(id);
        if (Files.exists(recording)) {
            door.uploadSoon(id);
        }
    }

    private void refuse(String reason) {
        if (err != null) {
            try {
                err.write(("visorfleet: " + reason + "\r\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "refusal not written: {0}", e.getMessage());
            }
        }
        exit.onExit(1, reason);
    }

    @Override
    public void destroy(ChannelSession channel) throws Exception {
        Command command = running;
        if (command != null) {
            command.destroy(channel);
        }
    }

    /**
     * The gate around a command that works on the channel's asynchronous streams (SFTP): the
     * command exists from the start, so that it receives the channel's data, and only its start
     * waits for the gate.
     */
    static final class Async extends GatedCommand implements org.apache.sshd.server.command.AsyncCommand {

        private final org.apache.sshd.server.command.AsyncCommand command;

        Async(String kind, AgentSshServer.Door door, org.apache.sshd.server.command.AsyncCommand command) {
            super(kind, "", door, id -> command);
            this.command = command;
        }

        @Override
        public void setIoInputStream(org.apache.sshd.common.io.IoInputStream in) {
            command.setIoInputStream(in);
        }

        @Override
        public void setIoOutputStream(org.apache.sshd.common.io.IoOutputStream out) {
            command.setIoOutputStream(out);
        }

        @Override
        public void setIoErrorStream(org.apache.sshd.common.io.IoOutputStream err) {
            command.setIoErrorStream(err);
        }
    }
}
