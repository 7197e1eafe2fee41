package org.visorfleet.server.fleet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A client as the API shows it.
 *
 * @param inventory the last inventory the agent reported (JSON object), or null
 */
public record ClientView(
        String name,
        String hostname,
        String group,
        String status,
        long statusSince,
        Long lastSeen,
        long enrolledAt,
        Long revokedAt,
        String server,
        Certificate certificate,
        JsonNode inventory) {

    /** The client's certificate, as the server issued it. */
    public record Certificate(String serial, String sha256, long notAfter) {}
}
