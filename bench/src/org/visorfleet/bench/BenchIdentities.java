package org.visorfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.visorfleet.common.pki.Csr;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.TlsStores;
import org.visorfleet.common.wire.Enrollment;
import org.visorfleet.common.wire.EnrollmentToken;

/**
 * Enrolls simulated agents through the server's real API (admin login, one enrollment token per
 * agent, {@code POST /api/v1/enroll} with a fresh P-256 key's CSR) and stores their keys and
 * certificates in a file, one agent per line: {@code index TAB base64(PKCS#8) TAB base64(X.509 DER)}.
 */
final class BenchIdentities {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchIdentities() {}

    static void enroll(URI server, X509Certificate ca, String adminPassword, int count, int parallel, Path out)
            throws Exception {
        KeyStoreTrust trust = new KeyStoreTrust(ca);
        try (HttpClient http = HttpClient.newBuilder()
                        .sslContext(trust.context())
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                BufferedWriter writer = Files.newBufferedWriter(out)) {
            JsonNode login = post(http, server, "/api/v1/login", null, Map.of("username", "admin", "password", adminPassword));
            String bearer = login.get("token").asText();
            Semaphore permits = new Semaphore(parallel);
            List<Future<String>> lines = new ArrayList<>(count);
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                int index = i;
                permits.acquire();
                lines.add(threads.submit(() -> {
                    try {
                        return enrollOne(http, server, bearer, index);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (int i = 0; i < count; i++) {
                writer.write(lines.get(i).get());
                writer.newLine();
            }
            System.out.printf("enrolled %d agents in %.1f s through the API (%d at a time)%n", count, seconds(started), parallel);
        }
    }

    private static String enrollOne(HttpClient http, URI server, String bearer, int index) throws Exception {
        JsonNode token = post(http, server, "/api/v1/enrollment-tokens", bearer, Map.of("ttlSeconds", 86_400));
        String secret = EnrollmentToken.parse(token.get("token").asText())
                .orElseThrow(() -> new IOException("server returned an unparseable token"))
                .secret();
        KeyPair keys = KeyPairs.generateEc();
        String hostname = String.format("bench-%06d", index);
        JsonNode reply = post(
                http,
                server,
                "/api/v1/enroll",
                null,
                new Enrollment.Request(secret, Csr.create(keys, hostname).toPem(), hostname));
        X509Certificate certificate =
                Pem.readCertificates(reply.get("certificate").asText()).getFirst();
        Base64.Encoder b64 = Base64.getEncoder();
        return index + "\t" + b64.encodeToString(keys.getPrivate().getEncoded()) + "\t"
                + b64.encodeToString(certificate.getEncoded());
    }

    /** Reads {@code count} identities (the first lines of the file) into the key manager, keyed by address. */
    static void load(Path file, int count, X509Certificate ca, PerPeerKeyManager keys) throws Exception {
        KeyFactory ec = KeyFactory.getInstance("EC");
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Base64.Decoder b64 = Base64.getDecoder();
        int loaded = 0;
        for (String line : (Iterable<String>) Files.lines(file)::iterator) {
            if (loaded == count) {
                break;
            }
            String[] f = line.split("\t");
            PrivateKey key = ec.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(f[1])));
            X509Certificate cert = (X509Certificate)
                    x509.generateCertificate(new java.io.ByteArrayInputStream(b64.decode(f[2])));
            keys.put(
                    PerPeerKeyManager.loopbackAddress(Integer.parseInt(f[0])),
                    new PerPeerKeyManager.Identity(key, new X509Certificate[] {cert, ca}));
            loaded++;
        }
        if (loaded < count) {
            throw new IOException(file + " holds " + loaded + " identities, " + count + " needed");
        }
    }

    private static JsonNode post(HttpClient http, URI server, String path, String bearer, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** An SSL context trusting only the fleet CA (hostname checks stay on: the API is on 127.0.0.1). */
    record KeyStoreTrust(X509Certificate ca) {
        SSLContext context() throws Exception {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(TlsStores.trustStore(ca));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
    }
}
