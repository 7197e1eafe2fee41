package org.visorfleet.server.init;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code DATA/server.json}: written by {@code server init}, read by {@code server run} (flags
 * override). Unknown keys are errors, so a typo never silently falls back to a default.
 *
 * @param serverId stable identity of this server among those sharing a database
 * @param hostnames DNS names in the server certificate; the first is used in the server's URL
 * @param ipAddresses IP addresses in the server certificate
 * @param jdbcUrl the database, or null for the embedded H2 file in {@code DATA/db}
 * @param httpsPort HTTPS port for the API and agents
 * @param heartbeatSeconds how often agents send heartbeats
 * @param unreachableAfterSeconds silence after which a client is marked unreachable
 * @param tokenLifetimeHours how long a login token lasts
 * @param sshPort the SSH bastion's port (absent: 2222; 0 picks a free port)
 * @param sshPasswords whether technicians may sign in to the bastion with their password (absent:
 *     no, keys only)
 */
public record ServerSettings(
        String serverId,
        List<String> hostnames,
        List<String> ipAddresses,
        String jdbcUrl,
        int httpsPort,
        int heartbeatSeconds,
        int unreachableAfterSeconds,
        int tokenLifetimeHours,
        Integer sshPort,
        Boolean sshPasswords) {

    public static final int DEFAULT_SSH_PORT = 2222;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public ServerSettings {
        hostnames = List.copyOf(hostnames);
        ipAddresses = List.copyOf(ipAddresses);
        if (hostnames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("server.json: at least one host name or IP address is required");
        }
        if (httpsPort < 0 || httpsPort > 65535) {
            throw new IllegalArgumentException("server.json: httpsPort must be 0..65535");
        }
        if (heartbeatSeconds < 1 || unreachableAfterSeconds <= heartbeatSeconds) {
            throw new IllegalArgumentException(
                    "server.json: heartbeatSeconds must be >= 1 and unreachableAfterSeconds larger");
        }
        if (tokenLifetimeHours < 1) {
            throw new IllegalArgumentException("server.json: tokenLifetimeHours must be >= 1");
        }
        sshPort = sshPort == null ? DEFAULT_SSH_PORT : sshPort;
        if (sshPort < 0 || sshPort > 65535) {
            throw new IllegalArgumentException("server.json: sshPort must be 0..65535");
        }
        sshPasswords = sshPasswords != null && sshPasswords;
    }

    public static ServerSettings defaults(String serverId, List<String> hostnames, List<String> ips, String jdbcUrl) {
        return new ServerSettings(serverId, hostnames, ips, jdbcUrl, 8443, 5, 16, 12, DEFAULT_SSH_PORT, false);
    }

    public static ServerSettings load(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readString(file), ServerSettings.class);
        } catch (NoSuchFileException e) {
            throw new IOException(file.getParent() + " is not a server data directory (no server.json); run"
                    + " `visorfleet server init --data " + file.getParent() + "` first");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": " + e.getOriginalMessage());
        }
    }

    public void save(Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, JSON.writeValueAsString(this) + "\n");
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The host the server's URL names: the first host name, else the first IP. */
    public String urlHost() {
        if (!hostnames.isEmpty()) {
            return hostnames.getFirst();
        }
        String ip = ipAddresses.getFirst();
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }
}
