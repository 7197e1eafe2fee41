package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.TlsStores;
import picocli.CommandLine.Option;

/**
 * A logged-in conversation with a server's admin API, for the CLI's admin commands. The server's
 * certificate is checked against {@code --ca} if given, else pinned on first use
 * ({@link KnownServers}). Any answer other than 2xx becomes an IOException carrying the server's
 * one-line {@code detail}, which {@link Main} prints as the command's error.
 */
final class ApiSession {

    /** The options every admin command takes. */
    static final class Login {
        @Option(
                names = "--server",
                paramLabel = "URL",
                defaultValue = "${env:VISORFLEET_SERVER:-https://localhost:8443}",
                description = "server URL (default: $VISORFLEET_SERVER or ${DEFAULT-VALUE})")
        URI server;

        @Option(
                names = "--user",
                paramLabel = "NAME",
                defaultValue = "${env:VISORFLEET_USER:-admin}",
                description = "user name (default: $VISORFLEET_USER or ${DEFAULT-VALUE})")
        String user;

        @Option(
                names = "--password",
                paramLabel = "PW",
                defaultValue = "${env:VISORFLEET_PASSWORD}",
                description = "password (default: $VISORFLEET_PASSWORD, else asked on the terminal)")
        String password;

        @Option(
                names = "--ca",
                paramLabel = "FILE",
                description = "fleet CA certificate (PEM) to check the server against (default: trust on first use)")
        Path ca;

        ApiSession open(PrintWriter err) throws IOException, InterruptedException {
            String pw = password;
            if (pw == null) {
                if (System.console() == null) {
                    throw new IllegalArgumentException("no password: pass --password or set VISORFLEET_PASSWORD");
                }
                char[] typed = System.console().readPassword("password for %s at %s: ", user, server);
                pw = typed == null ? "" : new String(typed);
            }
            ApiSession session = new ApiSession(server, httpClient(err));
            session.login(user, pw);
            return session;
        }

        private HttpClient httpClient(PrintWriter err) throws IOException {
            if (!"https".equals(server.getScheme()) || server.getHost() == null) {
                throw new IllegalArgumentException("--server must be an https:// URL, got " + server);
            }
            try {
                TrustManager[] trust;
                if (ca != null) {
                    X509Certificate anchor = Pem.readCertificates(ca).getFirst();
                    KeyStore store = TlsStores.trustStore(anchor);
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                    tmf.init(store);
                    trust = tmf.getTrustManagers();
                } else {
                    int port = server.getPort() == -1 ? 443 : server.getPort();
                    trust = new TrustManager[] {
                        KnownServers.atDefaultPlace().trustManagerFor(server.getHost() + ":" + port, line -> {
                            err.println("visorfleet: " + line);
                            err.flush();
                        })
                    };
                }
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, trust, null);
                return HttpClient.newBuilder()
                        .sslContext(tls)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
            } catch (java.security.GeneralSecurityException | org.visorfleet.common.pki.PkiException e) {
                throw new IOException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private String token;

    private ApiSession(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    private void login(String user, String password) throws IOException, InterruptedException {
        JsonNode reply = post("/api/v1/login", Map.of("username", user, "password", password));
        token = reply.get("token").asText();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").POST(json(body)));
    }

    JsonNode patch(String path, Object body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").method("PATCH", json(body)));
    }

    JsonNode put(String path, Object body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").PUT(json(body)));
    }

    JsonNode delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    /** Streams {@code file} as the request body. */
    JsonNode upload(String path, Path file) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofHours(12))
                .POST(HttpRequest.BodyPublishers.ofFile(file)));
    }

    /**
     * Streams a binary answer into {@code target} (through a temporary file beside it, so a failed
     * download leaves nothing); returns the bytes written.
     */
    long download(String path, Path target) throws IOException, InterruptedException {
        HttpRequest request = request(path).timeout(Duration.ofHours(1)).GET().build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            if (response.statusCode() / 100 != 2) {
                String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                JsonNode body = text.isBlank() ? null : parse(text);
                String detail = body != null && body.hasNonNull("detail")
                        ? body.get("detail").asText()
                        : "HTTP " + response.statusCode();
                throw new IOException(
                        detail + " (GET " + request.uri().getPath() + " -> " + response.statusCode() + ")");
            }
            Path temp = target.resolveSibling(target.getFileName() + ".part");
            long n = java.nio.file.Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return n;
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static HttpRequest.BodyPublisher json(Object body) throws IOException {
        return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    }

    private JsonNode send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (SSLHandshakeException e) {
            throw new IOException(
                    "TLS with " + base + " failed: " + (e.getCause() != null ? e.getCause() : e).getMessage(), e);
        } catch (HttpConnectTimeoutException e) {
            throw new IOException("cannot reach " + base + ": connection timed out", e);
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach " + base + ": connection refused", e);
        }
        String text = response.body();
        JsonNode body = text == null || text.isBlank() ? null : parse(text);
        if (response.statusCode() / 100 != 2) {
            String detail = body != null && body.hasNonNull("detail")
                    ? body.get("detail").asText()
                    : "HTTP " + response.statusCode();
            throw new IOException(detail + " (" + request.method() + " "
                    + request.uri().getPath() + " -> " + response.statusCode() + ")");
        }
        return body;
    }

    private static JsonNode parse(String text) throws IOException {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IOException("the server sent something that is not JSON: "
                    + text.lines().findFirst().orElse(""));
        }
    }
}
