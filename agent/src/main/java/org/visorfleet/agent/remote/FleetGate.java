package org.visorfleet.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.PathRequestContent;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The agent's questions to the fleet about SSH sessions, over HTTPS with its certificate: may this
 * technician's key come in (and must the user consent), and the reports of sessions, their ends and
 * their recordings.
 */
public final class FleetGate {

    /** The fleet's answer for a technician's key: who it is and whether the user must consent. */
    public record Verdict(String technician, String role, boolean consent) {}

    /** Thrown when the fleet says no, with its reason; or when it cannot be asked. */
    public static final class Refused extends IOException {
        public Refused(String reason) {
            super(reason);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Supplier<Optional<URI>> server;

    public FleetGate(HttpClient http, Supplier<Optional<URI>> server) {
        this.http = http;
        this.server = server;
    }

    public Verdict authorize(String user, PublicKey key) throws IOException {
        JsonNode answer = post("/agent/v1/ssh/authorize", Map.of("user", user, "publicKey", openSsh(key)));
        return new Verdict(
                answer.path("technician").asText(),
                answer.path("role").asText(),
                answer.path("consent").asBoolean());
    }

    /** Reports a session; returns its id. {@code consent}: not-required, granted or denied. */
    public long opened(String user, PublicKey key, String kind, String detail, String consent) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("publicKey", openSsh(key));
        body.put("kind", kind);
        body.put("detail", detail);
        body.put("consent", consent);
        return post("/agent/v1/ssh/sessions", body).path("id").asLong();
    }

    public void ended(long session) throws IOException {
        post("/agent/v1/ssh/sessions/" + session + "/end", Map.of());
    }

    public void upload(long session, Path recording) throws IOException {
        send(
                HttpMethod.PUT,
                "/agent/v1/ssh/sessions/" + session + "/recording",
                new PathRequestContent("application/x-asciicast", recording));
    }

    private JsonNode post(String path, Map<String, ?> body) throws IOException {
        return send(HttpMethod.POST, path, new StringRequestContent("application/json", JSON.writeValueAsString(body)));
    }

    private JsonNode send(HttpMethod method, String path, org.eclipse.jetty.client.Request.Content content)
            throws IOException {
        URI base = server.get().orElseThrow(() -> new Refused("the agent is not connected to a server"));
        ContentResponse response;
        try {
            response = http.newRequest(base.resolve(path))
                    .method(method)
                    .body(content)
                    .timeout(30, TimeUnit.SECONDS)
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new Refused("the fleet cannot be asked: " + e.getMessage());
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.getContentAsString());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.getStatus() / 100 != 2) {
            String detail = answer.path("detail").asText(answer.path("error").asText("HTTP " + response.getStatus()));
            throw new Refused(detail);
        }
        return answer;
    }

    private static String openSsh(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }
}
