package org.visorfleet.console.clients;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One client as a row of the clients table shows it, read from an item of {@code GET
 * /api/v1/clients} or from {@code GET /api/v1/clients/{name}}.
 *
 * @param name the client's unique name
 * @param hostname the host name it enrolled with
 * @param group its group, or null
 * @param status {@code online}, {@code unreachable}, {@code offline}, {@code revoked} or {@code enrolled}
 * @param lastSeen epoch milliseconds of its last heartbeat, or null if it never connected
 * @param enrolledAt epoch milliseconds of its enrollment
 */
record ClientSummary(String name, String hostname, String group, String status, Long lastSeen, long enrolledAt) {

    /** Reads a client object of the API; fields the server left out become null (or 0). */
    static ClientSummary of(JsonNode client) {
        return new ClientSummary(
                text(client, "name"),
                text(client, "hostname"),
                text(client, "group"),
                text(client, "status"),
                client.hasNonNull("lastSeen") ? client.get("lastSeen").asLong() : null,
                client.path("enrolledAt").asLong());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
