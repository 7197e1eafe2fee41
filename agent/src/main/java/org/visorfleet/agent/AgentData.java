package org.visorfleet.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;

/**
 * An agent's data directory:
 *
 * <pre>
 * DATA/agent.json      {"name": client name, "servers": [server URLs, in failover order]}
 * DATA/agent.pem       the agent's certificate (issued by the fleet CA)
 * DATA/agent-key.pem   its private key (0600; never leaves the desktop)
 * DATA/ca.pem          the fleet CA, the only trust anchor the agent accepts
 * DATA/outbox/         events not yet acknowledged by a server
 * DATA/grid.json       grid settings (optional: idle policy, slots)
 * DATA/remote.json     remote-control settings (optional: SSH, action commands, consent)
 * DATA/grid/blobs/     cached grid programs and input files, by SHA-256
 * DATA/grid/results/   grid results not yet acknowledged by a server
 * </pre>
 */
public record AgentData(Path root) {

    /** {@code agent.json}. */
    public record Settings(String name, List<String> servers) {
        public Settings {
            servers = List.copyOf(servers);
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public Path settingsFile() {
        return root.resolve("agent.json");
    }

    public Path certificate() {
        return root.resolve("agent.pem");
    }

    public Path key() {
        return root.resolve("agent-key.pem");
    }

    public Path ca() {
        return root.resolve("ca.pem");
    }

    /** Grid settings ({@link org.visorfleet.agent.grid.GridSettings}); optional. */
    public Path gridSettings() {
        return root.resolve("grid.json");
    }

    /** Remote-control settings ({@link org.visorfleet.agent.remote.RemoteSettings}); optional. */
    public Path remoteSettings() {
        return root.resolve("remote.json");
    }

    public Path outbox() {
        return root.resolve("outbox");
    }

    public boolean isEnrolled() {
        return Files.exists(settingsFile());
    }

    public Settings settings() throws IOException {
        try {
            return JSON.readValue(Files.readString(settingsFile()), Settings.class);
        } catch (NoSuchFileException e) {
            throw new IOException(
                    root + " holds no enrolled agent (no agent.json); run `visorfleet agent enroll` first");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(settingsFile() + ": " + e.getOriginalMessage());
        }
    }

    public void saveSettings(Settings settings) throws IOException {
        Path temp = root.resolve("agent.json.tmp");
        Files.writeString(temp, JSON.writeValueAsString(settings) + "\n");
        Files.move(temp, settingsFile(), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The agent's key, certificate and trust anchor, read and checked. */
    public Identity identity() throws IOException {
        try {
            PrivateKey key = Pem.readPrivateKey(key());
            List<X509Certificate> certificate = Pem.readCertificates(certificate());
            List<X509Certificate> ca = Pem.readCertificates(ca());
            return new Identity(key, certificate.getFirst(), ca.getFirst());
        } catch (PkiException e) {
            throw new IOException(root + ": " + e.getMessage(), e);
        }
    }

    /** What the agent proves itself with and whom it trusts. */
    public record Identity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {}
}
