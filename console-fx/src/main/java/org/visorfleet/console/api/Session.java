package org.visorfleet.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Map;

/**
 * A signed-in connection to one server: the {@link FleetApi} and its bearer token. Calls block; run
 * them off the JavaFX application thread. Failures are {@link ApiException}s whose message can be
 * shown as it is.
 */
public final class Session implements AutoCloseable {

    private final FleetApi api;
    private final String token;

    Session(FleetApi api, String token) {
        this.api = api;
        this.token = token;
    }

    /** {@code host:port} of the server. */
    public String address() {
        return api.address();
    }

    /** How many clients are in each status, from the totals the clients list answers with. */
    public Map<ClientStatus, Integer> clientCounts() throws IOException, InterruptedException {
        Map<ClientStatus, Integer> counts = new EnumMap<>(ClientStatus.class);
        for (ClientStatus status : ClientStatus.values()) {
            JsonNode total = getJson("/api/v1/clients?status=" + status.apiName() + "&limit=1")
                    .get("total");
            if (total == null || !total.canConvertToInt()) {
                throw new ApiException(0, "the server's client list carries no total");
            }
            counts.put(status, total.asInt());
        }
        return counts;
    }

    private JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = api.get(pathAndQuery, token);
        } catch (IOException e) {
            throw new ApiException("cannot reach " + address() + ": " + FleetApi.describe(e), e);
        }
        return switch (response.statusCode()) {
            case 200 -> FleetApi.JSON.readTree(response.body());
            case 401 -> throw new ApiException(401, "the session has ended; sign in again");
            case 403 -> throw new ApiException(403, "your role may not see this");
            default ->
                throw new ApiException(response.statusCode(), "the server answered HTTP " + response.statusCode());
        };
    }

    @Override
    public void close() {
        api.close();
    }
}
