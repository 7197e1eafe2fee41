package org.visorfleet.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.TlsStores;

/** A tiny admin-API client for tests: real HTTPS, trusting only the fleet CA. */
public final class ApiClient implements AutoCloseable {

    /** A response: status and parsed JSON body (null when empty). */
    public record Reply(int status, JsonNode body, String text) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private String token;

    public ApiClient(URI base, Path caPem) throws Exception {
        X509Certificate ca = Pem.readCertificates(caPem).getFirst();
        KeyStore trust = TlsStores.trustStore(ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.base = base;
    }

    public ApiClient login(String user, String password) throws Exception {
        Reply reply = post(
                "/api/v1/login", JSON.createObjectNode().put("username", user).put("password", password));
        if (reply.status() != 200) {
            throw new IllegalStateException("login failed: " + reply.status() + " " + reply.text());
        }
        token = reply.body().get("token").asText();
        return this;
    }

    public String token() {
        return token;
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send(builder(path).GET());
    }

    public Reply delete(String path) throws IOException, InterruptedException {
        return send(builder(path).DELETE());
    }

    public Reply post(String path, Object body) throws IOException, InterruptedException {
        return send(builder(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body))));
    }

    public Reply patch(String path, Object body) throws IOException, InterruptedException {
        return send(builder(path)
                .header("Content-Type", "application/json")
                .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofString(
                                body instanceof String s ? s : JSON.writeValueAsString(body))));
    }

    public Reply put(String path, Object body) throws IOException, InterruptedException {
        return send(builder(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body))));
    }

    /** POSTs raw bytes (an image upload). */
    public Reply postBytes(String path, byte[] body) throws IOException, InterruptedException {
        return send(builder(path)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** POSTs {@code length} zero bytes, generated as they are sent (uploads over the size limits). */
    public Reply postStream(String path, long length) throws IOException, InterruptedException {
        java.util.function.Supplier<java.io.InputStream> zeros = () -> new java.io.InputStream() {
            long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        return send(builder(path)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(zeros), length)));
    }

    /** Creates an enrollment token (optionally for a group) and returns its text. */
    public String enrollmentToken(String group) throws Exception {
        var body = JSON.createObjectNode();
        if (group != null) {
            body.put("group", group);
        }
        Reply reply = post("/api/v1/enrollment-tokens", body);
        if (reply.status() != 201) {
            throw new IllegalStateException("token: " + reply.status() + " " + reply.text());
        }
        return reply.body().get("token").asText();
    }

    /** The status of one client as the API reports it. */
    public String clientStatus(String name) throws Exception {
        Reply reply = get("/api/v1/clients/" + name);
        return reply.status() == 200 ? reply.body().get("status").asText() : "http-" + reply.status();
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        boolean json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        JsonNode body = !json || text == null || text.isBlank() ? null : JSON.readTree(text);
        return new Reply(response.statusCode(), body, text);
    }

    @Override
    public void close() {
        http.close();
    }
}
