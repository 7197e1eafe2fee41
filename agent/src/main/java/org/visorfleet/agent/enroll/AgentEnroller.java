package org.visorfleet.agent.enroll;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.visorfleet.agent.AgentData;
import org.visorfleet.common.pki.Csr;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;
import org.visorfleet.common.wire.Enrollment;
import org.visorfleet.common.wire.EnrollmentToken;

/**
 * {@code agent enroll}: makes a key pair, sends a CSR with the one-time token, checks what comes back
 * against the token's CA pin, and stores key, certificate, CA and server list in the data directory.
 */
public final class AgentEnroller {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AgentEnroller() {}

    /** Enrolls and returns the stored settings; refuses a directory that already holds an agent. */
    public static AgentData.Settings enroll(URI server, String tokenText, Path dir, String hostname)
            throws IOException, InterruptedException {
        EnrollmentToken token = EnrollmentToken.parse(tokenText.strip())
                .orElseThrow(() -> new IllegalArgumentException("not an enrollment token (expected vfe_....PIN)"));
        AgentData data = new AgentData(dir);
        if (data.isEnrolled()) {
            throw new IOException(dir + " already holds an enrolled agent; use a new --data directory");
        }
        Files.createDirectories(
                dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        KeyPair keys = KeyPairs.generateEc();
        Csr csr = Csr.create(keys, hostname);
        PinnedTrust trust = new PinnedTrust(token.caPin());
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder()
                .sslContext(sslContext(trust))
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            String body = JSON.writeValueAsString(new Enrollment.Request(token.secret(), csr.toPem(), hostname));
            HttpRequest request = HttpRequest.newBuilder(server.resolve("/api/v1/enroll"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            // HttpClient's ConnectException for a refused connection has no message (nor has its cause).
            throw new IOException(
                    "cannot connect to " + server + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        if (response.statusCode() != 201) {
            throw new IOException(
                    "enrollment refused (" + response.statusCode() + "): " + errorDetail(response.body()));
        }
        Enrollment.Response enrolled = JSON.readValue(response.body(), Enrollment.Response.class);
        try {
            X509Certificate ca = Pem.readCertificates(enrolled.caCertificate()).getFirst();
            X509Certificate certificate =
                    Pem.readCertificates(enrolled.certificate()).getFirst();
            if (!Fingerprints.sha256(ca).startsWith(token.caPin())) {
                throw new IOException("server returned a CA that does not match the token's pin");
            }
            certificate.verify(ca.getPublicKey());
            if (!certificate.getPublicKey().equals(keys.getPublic())) {
                throw new IOException("server returned a certificate for another key");
            }
            Pem.write(data.key(), Pem.toPem(keys.getPrivate()));
            Pem.write(data.certificate(), Pem.toPem(certificate));
            Pem.write(data.ca(), Pem.toPem(ca));
        } catch (PkiException | GeneralSecurityException e) {
            throw new IOException("server returned an unusable certificate: " + e.getMessage(), e);
        }
        List<String> servers = new ArrayList<>();
        servers.add(server.toString().replaceAll("/+$", ""));
        if (enrolled.servers() != null) {
            for (String url : enrolled.servers()) {
                if (!servers.contains(url)) {
                    servers.add(url);
                }
            }
        }
        AgentData.Settings settings = new AgentData.Settings(enrolled.name(), servers);
        data.saveSettings(settings);
        return settings;
    }

    private static SSLContext sslContext(TrustManager trust) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String errorDetail(String body) {
        try {
            var node = JSON.readTree(body);
            if (node.has("detail")) {
                return node.get("detail").asText();
            }
        } catch (IOException e) {
            // not JSON: show the start of the body below
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }
}
