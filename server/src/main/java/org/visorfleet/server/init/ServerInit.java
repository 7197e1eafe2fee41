package org.visorfleet.server.init;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.auth.Secrets;
import org.visorfleet.server.auth.Users;
import org.visorfleet.server.db.Database;

/**
 * {@code server init}: creates a data directory with the database, the fleet CA (or the one already
 * in a shared database), this server's key and certificate, and the first admin account.
 */
public final class ServerInit {

    private static final Duration SERVER_CERTIFICATE_VALIDITY = Duration.ofDays(825);

    /**
     * What init did.
     *
     * @param generatedPassword the admin password when init chose it, to be printed once
     * @param joinedExistingFleet true when the database already held a fleet (CA and users kept)
     */
    public record Result(
            ServerSettings settings,
            String caFingerprint,
            Optional<String> generatedPassword,
            boolean joinedExistingFleet) {}

    private ServerInit() {}

    /**
     * @param names host names and IP literals for the server certificate; empty means this
     *     machine's host name, localhost, 127.0.0.1 and ::1
     * @param jdbcUrl a shared database, or null for the embedded one
     */
    public static Result initialize(Path dir, String adminPassword, List<String> names, String jdbcUrl)
            throws IOException, SQLException {
        if (adminPassword != null) {
            Users.requirePassword(adminPassword);
        }
        if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
            throw new IOException(dir + " already exists and is not empty; refusing to overwrite it");
        }
        boolean created = !Files.exists(dir);
        Files.createDirectories(
                dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            return create(new DataDirectory(dir), adminPassword, names, jdbcUrl);
        } catch (IOException | SQLException | RuntimeException e) {
            if (created) {
                deleteTree(dir); // leave nothing half-made: the next init starts clean
            }
            throw e;
        }
    }

    private static Result create(DataDirectory data, String adminPassword, List<String> names, String jdbcUrl)
            throws IOException, SQLException {
        List<String> hostnames = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String name : names.isEmpty() ? defaultNames() : names) {
            (isIpLiteral(name) ? ips : hostnames).add(name);
        }
        String serverId = "srv-" + Secrets.random(6).toLowerCase().replaceAll("[^a-z0-9]", "x");
        ServerSettings settings = ServerSettings.defaults(serverId, hostnames, ips, jdbcUrl);
        Clock clock = Clock.systemUTC();
        Optional<String> generated = Optional.empty();
        boolean joined;
        FleetCa ca;
        try (Database database = Database.open(jdbcUrl == null ? Database.h2Url(data.root()) : jdbcUrl, 2)) {
            Optional<FleetCa> existing = FleetCaStore.load(database);
            joined = existing.isPresent();
            ca = existing.isPresent()
                    ? existing.get()
                    : FleetCaStore.storeIfAbsent(database, FleetCa.create("visorfleet fleet CA"), clock.millis());
            boolean hasUsers = database.query(c -> {
                try (var ps = c.prepareStatement("SELECT COUNT(*) FROM users");
                        var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            });
            if (!hasUsers) {
                String password = adminPassword != null ? adminPassword : Secrets.password();
                generated = adminPassword != null ? Optional.empty() : Optional.of(password);
                Users users = new Users(database, clock);
                database.transaction(c -> users.create(c, "admin", Role.ADMIN, password));
            }
        }
        KeyPair serverKey = KeyPairs.generateEc();
        X509Certificate serverCertificate =
                ca.issueServer(serverKey.getPublic(), serverId, hostnames, ips, SERVER_CERTIFICATE_VALIDITY);
        Pem.write(data.serverKey(), Pem.toPem(serverKey.getPrivate()));
        Pem.write(data.serverCertificate(), Pem.toPem(serverCertificate, ca.certificate()));
        Pem.write(data.caCertificate(), Pem.toPem(ca.certificate()));
        settings.save(data.settings());
        return new Result(settings, Fingerprints.sha256(ca.certificate()), generated, joined);
    }

    private static List<String> defaultNames() {
        List<String> names = new ArrayList<>();
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!host.equals("localhost")) {
                names.add(host);
            }
        } catch (IOException e) {
            // No resolvable host name: localhost and the loopback addresses still work.
        }
        names.addAll(List.of("localhost", "127.0.0.1", "::1"));
        return names;
    }

    static boolean isIpLiteral(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort; the original error is what the user needs to see.
        }
    }
}
