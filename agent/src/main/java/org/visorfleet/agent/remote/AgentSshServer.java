package org.visorfleet.agent.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.file.nativefs.NativeFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * This desktop's own SSH server, reachable only through the agent's tunnel (it listens on loopback):
 * an interactive shell on a real pseudo-terminal (recorded in asciicast v2), exec, and SFTP (so
 * {@code scp} and {@code sftp} work). Technicians sign in end to end with their own keys; the fleet
 * decides who may ({@link FleetGate}), and every session goes through a {@link GatedCommand}. The
 * host key is the agent's enrolled key.
 */
public final class AgentSshServer implements AutoCloseable {

    /**
     * @param shell the login shell for interactive sessions
     * @param consentCommand asks the desktop's user (see {@link ConsentPrompt})
     * @param consentTimeout how long the user has to answer
     * @param recordings where recordings wait until the fleet has them
     */
    public record Options(String shell, List<String> consentCommand, Duration consentTimeout, Path recordings) {}

    static final AttributeKey<FleetGate.Verdict> VERDICT = new AttributeKey<>();
    static final AttributeKey<PublicKey> KEY = new AttributeKey<>();

    private static final System.Logger LOG = System.getLogger(AgentSshServer.class.getName());

    /** What every gated session needs: the fleet, the consent prompt, the recordings. */
    record Door(FleetGate gate, ConsentPrompt consent, Path recordings, ScheduledExecutorService uploads) {
        Path recording(long id) {
            return recordings.resolve(id + ".cast");
        }

        void uploadSoon(long id) {
            try {
                uploads.execute(() -> upload(id));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The agent is stopping (its sessions end as it does): the next start sends it.
                LOG.log(System.Logger.Level.INFO, "recording {0} kept until the agent starts again", id);
            }
        }

        void upload(long id) {
            Path file = recording(id);
            try {
                gate.upload(id, file);
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.INFO, "recording {0} not uploaded yet: {1}", id, e.getMessage());
            }
        }

        /** Uploads recordings left over from earlier attempts. */
        void retryPending() {
            try (var files = Files.list(recordings)) {
                files.map(f -> f.getFileName().toString())
                        .filter(n -> n.matches("[0-9]+\\.cast"))
                        .map(n -> Long.parseLong(n.substring(0, n.length() - 5)))
                        .forEach(this::upload);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "recordings: {0}", e.getMessage());
            }
        }
    }

    private final SshServer server;
    private final ScheduledExecutorService uploads;

    private AgentSshServer(SshServer server, ScheduledExecutorService uploads) {
        this.server = server;
        this.uploads = uploads;
    }

    public static AgentSshServer start(KeyPair hostKey, FleetGate gate, Options options) throws IOException {
        Files.createDirectories(options.recordings());
        ScheduledExecutorService uploads = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ssh-recordings").factory());
        Door door = new Door(
                gate,
                new ConsentPrompt(options.consentCommand(), options.consentTimeout()),
                options.recordings(),
                uploads);
        uploads.scheduleWithFixedDelay(door::retryPending, 1, 60, TimeUnit.SECONDS);

        SshServer server = ServerBuilder.builder().build();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        Ciphers.aesGcmOnly(server);
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setPublickeyAuthenticator((user, key, session) -> {
            try {
                FleetGate.Verdict verdict = gate.authorize(user, key);
                session.setAttribute(VERDICT, verdict);
                session.setAttribute(KEY, key);
                return true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.INFO, "ssh: {0} refused: {1}", user, e.getMessage());
                return false;
            }
        });
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setShellFactory(channel -> new GatedCommand(
                "shell",
                "",
                door,
                id -> PtyCommand.wanted(channel.getEnvironment())
                        ? new PtyCommand(List.of(options.shell(), "-l"), door.recording(id), title(channel))
                        : new ProcessShellFactory(options.shell(), options.shell()).createShell(channel)));
        server.setCommandFactory((channel, command) -> new GatedCommand(
                "exec",
                command,
                door,
                id -> PtyCommand.wanted(channel.getEnvironment())
                        ? new PtyCommand(List.of("/bin/sh", "-c", command), null, title(channel))
                        : ProcessShellCommandFactory.INSTANCE.createCommand(channel, command)));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
        server.setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return sftp.getName();
            }

            @Override
            public Command createSubsystem(org.apache.sshd.server.channel.ChannelSession channel) throws IOException {
                return new GatedCommand.Async(
                        "sftp", door, (org.apache.sshd.server.command.AsyncCommand) sftp.createSubsystem(channel));
            }
        }));
        server.setFileSystemFactory(NativeFileSystemFactory.INSTANCE);
        // As at the bastion: an idle interactive session is closed after an hour, not MINA's 10 minutes.
        org.apache.sshd.core.CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofHours(1));
        server.start();
        LOG.log(System.Logger.Level.INFO, "ssh: desktop SSH server on 127.0.0.1:{0,number,#}", server.getPort());
        return new AgentSshServer(server, uploads);
    }

    private static String title(org.apache.sshd.server.channel.ChannelSession channel) {
        return channel.getServerSession().getUsername() + "@" + hostname();
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "desktop";
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "stopping the desktop SSH server: {0}", e.toString());
        }
    }
}
