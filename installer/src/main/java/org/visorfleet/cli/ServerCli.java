package org.visorfleet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.init.ServerInit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code visorfleet server ...}: the management server. */
@Command(
        name = "server",
        description = "The management server: fleet PKI, admin API, agent connections.",
        mixinStandardHelpOptions = true,
        subcommands = {ServerCli.Init.class, ServerCli.Run.class})
final class ServerCli {

    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Create a server data directory: database, fleet CA, server certificate, first admin.")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "data directory to create")
        Path data;

        @Option(
                names = "--admin-password",
                paramLabel = "PW",
                description = "password of user admin (default: generated and printed once)")
        String adminPassword;

        @Option(
                names = "--hostname",
                paramLabel = "NAME",
                description =
                        "DNS name or IP address for the server certificate (repeatable; default: this host, localhost, 127.0.0.1, ::1)")
        List<String> hostnames = new ArrayList<>();

        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                description = "shared database (jdbc:postgresql://...); default: embedded H2 in DIR/db")
        String jdbcUrl;

        @Override
        public Integer call() throws Exception {
            ServerInit.Result result = ServerInit.initialize(data, adminPassword, hostnames, jdbcUrl);
            var out = spec.commandLine().getOut();
            out.println("initialized " + data.toAbsolutePath() + " (server "
                    + result.settings().serverId() + ")");
            out.println("  database:  " + (jdbcUrl == null ? data.resolve("db") + " (embedded H2)" : jdbcUrl));
            out.println("  fleet CA:  " + data.resolve("ca.pem") + " sha256 " + result.caFingerprint()
                    + (result.joinedExistingFleet() ? " (joined the fleet already in the database)" : ""));
            List<String> names = new ArrayList<>(result.settings().hostnames());
            names.addAll(result.settings().ipAddresses());
            out.println("  server certificate for: " + String.join(", ", names));
            result.generatedPassword().ifPresent(pw -> {
                out.println("  admin password (shown once): " + pw);
            });
            if (result.joinedExistingFleet()) {
                out.println("  users: kept those already in the database");
            }
            out.println("next: visorfleet server run --data " + data);
            return 0;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run the server (HTTPS API and agent connections).")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--data",
                required = true,
                paramLabel = "DIR",
                description = "data directory made by server init")
        Path data;

        @Option(
                names = "--https-port",
                paramLabel = "PORT",
                description = "HTTPS port (default: from server.json, 8443)")
        Integer httpsPort;

        @Option(names = "--jdbc-url", paramLabel = "URL", description = "database (default: from server.json)")
        String jdbcUrl;

        @Option(
                names = "--bind",
                paramLabel = "ADDRESS",
                defaultValue = "0.0.0.0",
                description = "address to listen on (default: ${DEFAULT-VALUE})")
        String bind;

        @Option(
                names = "--boot-http-port",
                paramLabel = "PORT",
                defaultValue = "8080",
                description = "plain-HTTP port for iPXE boot scripts (GET /boot/ipxe?mac=...); 0 turns them off"
                        + " (default: ${DEFAULT-VALUE})")
        int bootHttpPort;

        @Option(
                names = "--ssh-port",
                paramLabel = "PORT",
                description = "SSH bastion port for technicians and agent tunnels; 0 picks a free port"
                        + " (default: from server.json, 2222)")
        Integer sshPort;

        @Option(names = "--no-ssh", description = "run no SSH bastion")
        boolean noSsh;

        @Option(
                names = "--ssh-passwords",
                negatable = true,
                description = "let technicians sign in to the bastion with their password, not only with keys"
                        + " (default: from server.json, off)")
        Boolean sshPasswords;

        @Option(
                names = "--aoe-iface",
                paramLabel = "IFACE",
                description =
                        "serve AoE exports on this Ethernet interface (raw sockets: root or CAP_NET_RAW); repeatable")
        List<String> aoeInterfaces = new ArrayList<>();

        @Option(
                names = "--aoe-udp",
                paramLabel = "HOST:PORT",
                description = "serve AoE exports as Ethernet-in-UDP (QEMU -netdev dgram) on this address")
        String aoeUdp;

        @Option(
                names = "--aoe-workers",
                paramLabel = "N",
                description = "AoE worker threads per link (default: half the CPUs, at least 1)")
        int aoeWorkers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

        @Override
        public Integer call() throws Exception {
            if (bootHttpPort < 0 || bootHttpPort > 65535) {
                throw new IllegalArgumentException("--boot-http-port must be 0..65535");
            }
            AoeService.Links links =
                    new AoeService.Links(aoeInterfaces, aoeUdp == null ? null : AoeCli.hostPort(aoeUdp), aoeWorkers);
            FleetServer.Options options = FleetServer.Options.of(data)
                    .withBindHost(bind)
                    .withBoot(bootHttpPort == 0 ? null : bootHttpPort, links);
            if (httpsPort != null) {
                options = options.withPort(httpsPort);
            }
            if (jdbcUrl != null) {
                options = options.withJdbcUrl(jdbcUrl);
            }
            if (sshPort != null && (sshPort < 0 || sshPort > 65535)) {
                throw new IllegalArgumentException("--ssh-port must be 0..65535");
            }
            options = options.withSsh(noSsh ? Integer.valueOf(-1) : sshPort, sshPasswords);
            FleetServer server = FleetServer.start(options);
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                done.countDown();
            }));
            var out = spec.commandLine().getOut();
            out.println("server " + server.serverId() + " listening on " + server.url());
            if (server.bootHttpPort() > 0) {
                out.println("boot scripts on http://" + bind + ":" + server.bootHttpPort() + "/boot/ipxe?mac=MAC");
            }
            if (server.sshPort() > 0) {
                out.println("SSH bastion on port " + server.sshPort() + " (host key "
                        + server.bastion().hostKey().fingerprint() + ")");
            }
            if (!server.aoeLinks().isEmpty()) {
                out.println("AoE exports on " + String.join(", ", server.aoeLinks()));
            }
            spec.commandLine().getOut().flush();
            done.await();
            return 0;
        }
    }
}
