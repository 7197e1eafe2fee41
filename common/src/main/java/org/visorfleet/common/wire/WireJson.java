package org.visorfleet.common.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper for the agent protocol. Decoding peer input never throws: a frame that is not
 * a valid message becomes {@link Decoded.Malformed} with Jackson's reason.
 */
public final class WireJson {

    /** Longest text frame either side accepts. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private WireJson() {}

    /** Result of decoding one frame. */
    public sealed interface Decoded<T> {
        record Ok<T>(T message) implements Decoded<T> {}

        record Malformed<T>(String reason) implements Decoded<T> {}
    }

    public static String encode(AgentMessage message) {
        return write(message, AgentMessage.class);
    }

    public static String encode(ServerMessage message) {
        return write(message, ServerMessage.class);
    }

    public static Decoded<AgentMessage> decodeAgent(String text) {
        return read(text, AgentMessage.class);
    }

    public static Decoded<ServerMessage> decodeServer(String text) {
        return read(text, ServerMessage.class);
    }

    private static String write(Object message, Class<?> type) {
        try {
            return MAPPER.writerFor(type).writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    private static <T> Decoded<T> read(String text, Class<T> type) {
        if (text.length() > MAX_MESSAGE_BYTES) {
            return new Decoded.Malformed<>("message longer than " + MAX_MESSAGE_BYTES + " characters");
        }
        try {
            T message = MAPPER.readValue(text, type);
            if (message == null) {
                return new Decoded.Malformed<>("null message");
            }
            return new Decoded.Ok<>(message);
        } catch (JsonProcessingException | RuntimeException e) {
            return new Decoded.Malformed<>(oneLine(e));
        }
    }

    private static String oneLine(Exception e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return message == null
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
