package org.visorfleet.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.visorfleet.server.Refusal;

/**
 * JSON for the admin API. Requests are read strictly: unknown fields, trailing tokens, missing
 * primitives and deep nesting are refused with the parser's reason.
 */
public final class ApiJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private ApiJson() {}

    /** Parses a request body; malformed JSON is a {@link Refusal} of kind INVALID. */
    public static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw Refusal.invalid("request body must be a JSON object");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw Refusal.invalid("request body must be a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            String line =
                    reason == null ? "unreadable" : reason.lines().findFirst().orElse("");
            int location = line.indexOf(" (start marker at");
            throw Refusal.invalid("malformed JSON: " + (location > 0 ? line.substring(0, location) : line));
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }
}
