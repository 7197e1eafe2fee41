package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.grid.GridSettings;
import org.visorfleet.agent.grid.WorkRunner;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.agent.remote.RemoteSettings;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.transport.UdpEthernetTransport;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.init.ServerInit;

/**
 * A complete local fleet for trying visorfleet on one machine, in one fresh directory: a server with
 * embedded H2, its SSH bastion and its AoE target (Ethernet-in-UDP on loopback), a golden image
 * published and exported, a thin client that asked to boot and wrote to its overlay, desktop agents
 * enrolled and running (in this JVM, each with its own data
 * directory, certificate and mutual-TLS link), and a grid job of the bundled RISC-V program running
 * on them. Everything listens on loopback only and on free ports.
 *
 * <p>The agents lend their time to the grid at once (idle after 0 s, any load) and carry out remote
 * actions harmlessly: reboot, shutdown, lock and message only print what they would do.
 */
public final class DemoFleet implements AutoCloseable {

    /** The bundled grid program (see src/main/c/demo-primes.c). */
    static final String PROGRAM = "demo/primes.elf";

    static final String GOLDEN_IMAGE = "golden";
    static final long GOLDEN_SIZE = 64L << 20;
    static final String THIN_CLIENT = "52:54:00:de:30:01";

    /**
     * What to bring up.
     *
     * @param agents how many desktop agents (named desk-01, desk-02, ...)
     * @param units work units of the sample job (unit N counts the primes in its million)
     * @param httpsPort the API's port, 0 for a free one
     */
    public record Settings(int agents, int units, int httpsPort) {
        public Settings {
            if (agents < 1 || agents > 20) {
                throw new IllegalArgumentException("--agents must be 1..20");
            }
            if (units < 1 || units > 1000) {
                throw new IllegalArgumentException("--units must be 1..1000");
            }
            if (httpsPort < 0 || httpsPort > 65535) {
                throw new IllegalArgumentException("--https-port must be 0..65535");
            }
        }
    }

    private final Path dir;
    private final String password;
    private final FleetServer server;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Thread> agentThreads = new ArrayList<>();
    private final List<String> agentNames = new ArrayList<>();
    private String exportAddress;
    private long jobId;

    private DemoFleet(Path dir, String password, FleetServer server) {
        this.dir = dir;
        this.password = password;
        this.server = server;
    }

    /**
     * Brings the fleet up in {@code dir} (created; must be missing or empty), telling {@code progress}
     * each step. On failure everything started so far is stopped again.
     */
    public static DemoFleet start(Path dir, Settings settings, PrintWriter progress) throws Exception {
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty; the demo needs a fresh directory");
                }
            }
        }
        Files.createDirectories(dir);
        Path data = dir.resolve("server");
        ServerInit.Result init = ServerInit.initialize(data, null, List.of("localhost", "127.0.0.1"), null);
        String password = init.generatedPassword().orElseThrow();
        Path passwordFile = dir.resolve("admin-password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        step(progress, "server initialized in " + data);

        FleetServer.Options options = FleetServer.Options.of(data)
                .withBindHost("127.0.0.1")
                .withPort(settings.httpsPort())
                .withSsh(0, null)
                .withBoot(0, new AoeService.Links(List.of(), new InetSocketAddress("127.0.0.1", 0), 1));
        DemoFleet fleet = new DemoFleet(dir, password, FleetServer.start(options));
        try {
            step(progress, "server listening on " + fleet.url());
            fleet.populate(settings, progress);
            return fleet;
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
    }

    private void populate(Settings settings, PrintWriter progress) throws Exception {
        ApiSession api = admin();
        exportAddress = exportGoldenImage(api);
        step(progress, "golden image exported as AoE " + exportAddress + " on " + String.join(", ", aoeLinks()));
        bootThinClient();
        step(
                progress,
                "thin client " + THIN_CLIENT + " asked for its boot script and wrote to its overlay of "
                        + exportAddress);
        for (int i = 1; i <= settings.agents(); i++) {
            String name = "desk-%02d".formatted(i);
            startAgent(api, name);
            step(progress, "agent " + name + " enrolled and running");
        }
        jobId = submitJob(api, settings.units());
        step(progress, "grid job " + jobId + " submitted: " + settings.units() + " units of primes, replication 2");
    }

    private static void step(PrintWriter progress, String line) {
        progress.println("demo: " + line);
        progress.flush();
    }

    /** An API session as admin, checking the server against the fleet CA. */
    ApiSession admin() throws IOException, InterruptedException {
        ApiSession.Login login = new ApiSession.Login();
        login.server = URI.create(url());
        login.user = "admin";
        login.password = password;
        login.ca = caPem();
        return login.open(new PrintWriter(System.err, true));
    }

    /** A sparse 64 MiB disk with an MBR signature and a label, published as image "golden" and exported. */
    private String exportGoldenImage(ApiSession api) throws IOException, InterruptedException {
        Path image = dir.resolve("golden.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(GOLDEN_SIZE);
            file.seek(0);
            file.write("visorfleet demo golden image".getBytes(StandardCharsets.US_ASCII));
            file.seek(510);
            file.write(new byte[] {0x55, (byte) 0xAA});
        }
        String sha = Sha256Files.of(image);
        JsonNode version = api.upload(
                "/api/v1/images/" + GOLDEN_IMAGE + "/versions?sha256=" + sha + "&description="
                        + ApiSession.encode("demo golden image"),
                image);
        api.post(
                "/api/v1/images/" + GOLDEN_IMAGE + "/publish",
                Map.of("version", version.get("version").asInt()));
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("image", GOLDEN_IMAGE);
        return api.post("/api/v1/exports", export).get("address").asText();
    }

    /**
     * What a network-booting thin client does first, done here with the real protocols: it asks the
     * boot-script endpoint for its iPXE script (the server records it, awaiting approval), then
     * writes a sector of the golden image over AoE, which lands in its own copy-on-write overlay.
     */
    private void bootThinClient() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + server.bootHttpPort() + "/boot/ipxe?mac=" + THIN_CLIENT))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        InetSocketAddress target = AoeCli.hostPort(aoeLinks().getFirst().substring("udp:".length()));
        UdpEthernetTransport transport =
                UdpEthernetTransport.open(new InetSocketAddress("127.0.0.1", 0), MacAddress.of(THIN_CLIENT));
        try (AoeInitiator initiator = new AoeInitiator(transport, target)) {
            List<AoeInitiator.Discovered> found = initiator.discover(1, 0, Duration.ofSeconds(2));
            if (found.isEmpty()) {
                throw new IOException("the golden image does not answer over AoE on " + target);
            }
            AoeDisk disk = initiator.open(found.getFirst());
            byte[] sector = new byte[512];
            byte[] note = ("written by thin client " + THIN_CLIENT).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(note, 0, sector, 0, note.length);
            disk.write(2048, ByteBuffer.wrap(sector), 1);
            disk.flush();
        }
    }

    private void startAgent(ApiSession api, String name) throws Exception {
        Path agentDir = dir.resolve("agents").resolve(name);
        String token =
                api.post("/api/v1/enrollment-tokens", Map.of()).get("token").asText();
        AgentEnroller.enroll(URI.create(url()), token, agentDir, name);
        GridSettings grid = new GridSettings(true, 0, 1.0, 1, List.of(), 1);
        RemoteSettings remote = new RemoteSettings(
                true,
                RemoteSettings.DEFAULTS.shell(),
                List.of("echo", "demo: " + name + " would reboot now"),
                List.of("echo", "demo: " + name + " would shut down now"),
                List.of("echo", "demo: " + name + " would lock its screen now"),
                List.of("echo", "demo: message for " + name + ": {title}: {text}"),
                List.of("true"),
                30);
        Agent agent = Agent.open(
                new AgentData(agentDir),
                List.of(),
                ServerLink.Timing.defaults(),
                LinkListener.NONE,
                grid,
                remote,
                WorkRunner.SANDBOX);
        agents.add(agent);
        agentNames.add(name);
        agentThreads.add(Thread.ofVirtual().name("demo-" + name).start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private long submitJob(ApiSession api, int units) throws IOException, InterruptedException {
        Path program = dir.resolve("primes.elf");
        try (InputStream in = DemoFleet.class.getResourceAsStream(PROGRAM)) {
            if (in == null) {
                throw new IOException("the demo program " + PROGRAM + " is missing from the build");
            }
            Files.copy(in, program);
        }
        String sha = Sha256Files.of(program);
        api.upload("/api/v1/grid/files?sha256=" + sha, program);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "demo-primes");
        body.put("program", sha);
        body.put("programName", "primes");
        body.put("outputs", List.of());
        body.put(
                "units",
                IntStream.range(0, units)
                        .mapToObj(n -> Map.of("args", List.of(Integer.toString(n))))
                        .toList());
        body.put("replication", 2);
        body.put("quorum", 2);
        return api.post("/api/v1/jobs", body).get("id").asLong();
    }

    /** {@code https://localhost:PORT}. */
    public String url() {
        return server.url();
    }

    /** The admin's generated password (also in {@code DIR/admin-password}). */
    public String password() {
        return password;
    }

    /** {@code DIR/admin-password}. */
    public Path passwordFile() {
        return dir.resolve("admin-password");
    }

    /** The fleet CA certificate to check the server against. */
    public Path caPem() {
        return dir.resolve("server").resolve("ca.pem");
    }

    /** The directory everything lives in. */
    public Path dir() {
        return dir;
    }

    /** The SSH bastion's port. */
    public int sshPort() {
        return server.sshPort();
    }

    /** The bastion's host key fingerprint. */
    public String sshHostKey() {
        return server.bastion().hostKey().fingerprint();
    }

    /** Where the AoE target serves, e.g. {@code udp:127.0.0.1:40231}. */
    public List<String> aoeLinks() {
        return server.aoeLinks();
    }

    /** iPXE boot scripts: {@code http://127.0.0.1:PORT/boot/ipxe?mac=MAC}. */
    public String bootScripts() {
        return "http://127.0.0.1:" + server.bootHttpPort() + "/boot/ipxe?mac=MAC";
    }

    /** The golden image's AoE address, e.g. {@code e1.0}. */
    public String exportAddress() {
        return exportAddress;
    }

    /** The agents' names. */
    public List<String> agentNames() {
        return List.copyOf(agentNames);
    }

    /** The sample grid job's id. */
    public long jobId() {
        return jobId;
    }

    /** SHA-256 of the fleet CA certificate, which a console pins for this server. */
    public String caSha256() throws Exception {
        return Fingerprints.sha256(Pem.readCertificates(caPem()).getFirst());
    }

    /** {@code localhost:PORT}. */
    public String address() {
        URI uri = URI.create(url());
        return uri.getHost() + ":" + uri.getPort();
    }

    /** Stops the agents, then the server; the directory stays for a look afterwards. */
    @Override
    public void close() {
        for (Agent agent : agents) {
            try {
                agent.close();
            } catch (Exception e) {
                // Closing the rest matters more.
            }
        }
        for (Thread thread : agentThreads) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.close();
    }
}
