package org.visorfleet.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code items} of a server listing ({@code {"items": [...]}}), read as records. */
public final class Listing {

    private Listing() {}

    /** The items of {@code reply} as {@code type}; an {@link ApiException} naming the list if one cannot be read. */
    public static <T> List<T> items(JsonNode reply, Class<T> type) throws ApiException {
        List<T> out = new ArrayList<>();
        try {
            for (JsonNode item : reply.path("items")) {
                out.add(FleetApi.JSON.treeToValue(item, type));
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ApiException(
                    0,
                    "the server's " + type.getSimpleName().toLowerCase(Locale.ROOT) + " list cannot be read: "
                            + e.getMessage());
        }
        return out;
    }
}
