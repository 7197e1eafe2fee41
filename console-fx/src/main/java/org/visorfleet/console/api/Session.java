package org.visorfleet.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A signed-in connection to one server: the {@link FleetApi}, the bearer token and who it belongs
 * to. Calls block; run them off the JavaFX application thread. Failures are {@link ApiException}s
 * whose message can be shown as it is. When the server stops accepting the token (it expired, the
 * user was removed, someone signed it out), the {@link #onEnded} listeners run once.
 */
public final class Session implements AutoCloseable {

    private final FleetApi api;
    private final String token;
    private final String username;
    private final String role;
    private final Instant expiresAt;
    private final List<Runnable> endedListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    Session(FleetApi api, String token, String username, String role, Instant expiresAt) {
        this.api = api;
        this.token = token;
        this.username = username;
        this.role = role;
        this.expiresAt = expiresAt;
    }

    /** {@code host:port} of the server. */
    public String address() {
        return api.address();
    }

    /** {@code https://host:port} of the server. */
    public String url() {
        return "https://" + api.address();
    }

    /** The signed-in user's name. */
    public String username() {
        return username;
    }

    /** The signed-in user's role: viewer, helpdesk or admin. */
    public String role() {
        return role;
    }

    /** When the server stops accepting the token. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The API the session runs over (for the event stream). */
    FleetApi api() {
        return api;
    }

    String token() {
        return token;
    }

    /**
     * Runs {@code listener} once when the server no longer accepts the token, on the thread whose
     * call noticed; a listener that touches the UI must hop to the application thread itself.
     */
    public void onEnded(Runnable listener) {
        endedListeners.add(listener);
    }

    /** Whether the server has refused the token. */
    public boolean hasEnded() {
        return ended.get();
    }

    /** How many clients are in each status, from the totals the clients list answers with. */
    public Map<ClientStatus, Integer> clientCounts() throws IOException, InterruptedException {
        Map<ClientStatus, Integer> counts = new EnumMap<>(ClientStatus.class);
        for (ClientStatus status : ClientStatus.values()) {
            JsonNode total = get("/api/v1/clients?status=" + status.apiName() + "&limit=1")
                    .get("total");
            if (total == null || !total.canConvertToInt()) {
                throw new ApiException(0, "the server's client list carries no total");
            }
            counts.put(status, total.asInt());
        }
        return counts;
    }

    /** {@code GET path}: the JSON answer. */
    public JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        return call(api.request(pathAndQuery).GET());
    }

    /** {@code GET path}: the raw bytes of the answer (recordings, result files). */
    public byte[] getBytes(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = exchange(
                FleetApi.authorized(api.request(pathAndQuery).GET(), token), HttpResponse.BodyHandlers.ofByteArray());
        check(response.statusCode(), () -> new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        return response.body();
    }

    /**
     * {@code METHOD path} with {@code body} written as JSON (no body if null): the JSON answer, or an
     * empty object if the answer has no body.
     */
    public JsonNode send(String method, String pathAndQuery, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(FleetApi.JSON.writeValueAsString(body));
        return call(api.request(pathAndQuery)
                .header("Content-Type", "application/json")
                .method(method, publisher));
    }

    /** {@code POST path} with the bytes of {@code file} as the body: the JSON answer. */
    public JsonNode upload(String pathAndQuery, Path file) throws IOException, InterruptedException {
        return call(api.request(pathAndQuery)
                .timeout(java.time.Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)));
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response =
                exchange(FleetApi.authorized(request, token), HttpResponse.BodyHandlers.ofString());
        check(response.statusCode(), response::body);
        String body = response.body();
        if (body == null || body.isBlank()) {
            return FleetApi.JSON.createObjectNode();
        }
        try {
            return FleetApi.JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiException(response.statusCode(), "the server's answer is not JSON");
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws ApiException, InterruptedException {
        try {
            return api.http().send(request, handler);
        } catch (IOException e) {
            throw new ApiException("cannot reach " + address() + ": " + FleetApi.describe(e), e);
        }
    }

    private void check(int status, java.util.function.Supplier<String> body) throws ApiException {
        if (status >= 200 && status < 300) {
            return;
        }
        if (status == 401) {
            end();
            throw new ApiException(401, "the session has ended; sign in again");
        }
        String detail = detailOf(body.get());
        throw switch (status) {
            case 403 -> new ApiException(403, detail != null ? detail : "your role may not do this");
            case 404 -> new ApiException(404, detail != null ? detail : "not found");
            default -> new ApiException(status, detail != null ? detail : "the server answered HTTP " + status);
        };
    }

    /** The {@code detail} of a server refusal ({@code {"error":..,"detail":..}}), or null. */
    private static String detailOf(String body) {
        try {
            JsonNode detail = FleetApi.JSON.readTree(body).get("detail");
            return detail != null && detail.isTextual() ? detail.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Marks the session ended (the server refused the token) and tells the listeners, once. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            endedListeners.forEach(Runnable::run);
        }
    }

    /** Signs out on the server (best effort) and closes the connection pool. */
    public void logout() throws InterruptedException {
        try {
            call(api.request("/api/v1/logout").POST(HttpRequest.BodyPublishers.noBody()));
        } catch (IOException e) {
            // Signing out of a gone server: the token dies with its lifetime.
        }
        ended.set(true);
        close();
    }

    @Override
    public void close() {
        api.close();
    }
}
