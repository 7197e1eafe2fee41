package org.visorfleet.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The console's client for one server's public HTTPS API, trusting the server on first use (see
 * {@link KnownServers}). Calls block: run them off the JavaFX application thread (see
 * {@code console.Background}).
 */
public final class FleetApi implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final String address;
    private final PinningTrustManager trust;
    private final HttpClient http;

    private FleetApi(URI base, String address, PinningTrustManager trust, HttpClient http) {
        this.base = base;
        this.address = address;
        this.trust = trust;
        this.http = http;
    }

    /**
     * A client for the server at {@code url} ({@code https://host[:port]}, any path ignored).
     *
     * @throws IllegalArgumentException if {@code url} is not an https URL with a host
     */
    public static FleetApi forServer(String url, KnownServers known) {
        URI uri = parse(url);
        int port = uri.getPort() == -1 ? 443 : uri.getPort();
        String address = uri.getHost() + ":" + port;
        PinningTrustManager trust = new PinningTrustManager(address, known);
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {trust}, null);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(tls)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            return new FleetApi(URI.create("https://" + address), address, trust, http);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS: " + e.getMessage(), e);
        }
    }

    /** Checks that {@code url} names an https server, giving the reason when it does not. */
    public static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the server URL must look like https://host:port, not " + url);
        }
        return uri;
    }

    /** {@code host:port} of the server. */
    public String address() {
        return address;
    }

    /** Signs in; every way it can end is a {@link LoginResult}, nothing is thrown but interruption. */
    public LoginResult login(String username, String password) throws InterruptedException {
        trust.clearRefusal();
        HttpResponse<String> response;
        try {
            String body = JSON.writeValueAsString(Map.of("username", username, "password", password));
            response = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/v1/login"))
                            .timeout(REQUEST_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return failure(e);
        }
        return switch (response.statusCode()) {
            case 200 -> loggedIn(response.body());
            case 401 -> new LoginResult.WrongCredentials();
            case 429 -> new LoginResult.Throttled();
            default -> new LoginResult.NotAFleetServer("the login answer was HTTP " + response.statusCode());
        };
    }

    private LoginResult loggedIn(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            JsonNode token = answer.get("token");
            if (token == null || !token.isTextual()) {
                return new LoginResult.NotAFleetServer("the login answer carries no token");
            }
            Instant expires = answer.has("expiresAt")
                    ? Instant.ofEpochMilli(answer.get("expiresAt").asLong())
                    : Instant.now().plus(Duration.ofHours(1));
            return new LoginResult.LoggedIn(new Session(
                    this,
                    token.asText(),
                    answer.path("username").asText(""),
                    answer.path("role").asText("viewer"),
                    expires));
        } catch (IOException e) {
            return new LoginResult.NotAFleetServer("the login answer is not JSON");
        }
    }

    private LoginResult failure(IOException e) {
        Optional<LoginResult> refused = trust.refusal();
        if (refused.isPresent()) {
            return refused.get();
        }
        if (causedBy(e, ConnectException.class)
                || causedBy(e, HttpConnectTimeoutException.class)
                || causedBy(e, UnresolvedAddressException.class)) {
            return new LoginResult.Unreachable(address, describe(e));
        }
        if (causedBy(e, SSLException.class)) {
            return new LoginResult.NotAFleetServer("no TLS connection could be set up: " + describe(e));
        }
        return new LoginResult.Unreachable(address, describe(e));
    }

    /** A request for {@code pathAndQuery} on this server, with the standard timeout. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT);
    }

    /** {@code request} with the bearer {@code token}. */
    static HttpRequest authorized(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token).build();
    }

    HttpClient http() {
        return http;
    }

    /** {@code wss://host:port} plus {@code path}. */
    URI webSocketUri(String path) {
        return URI.create("wss://" + address + path);
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        http.close();
    }
}
