package org.visorfleet.common.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The one JSON mapper for the agent protocol. Decoding peer input never throws: a frame that is not
 * a valid message becomes {@link Decoded.Malformed} with Jackson's reason.
 *
 * <p>Decoding is strict about types: a number must be a JSON number (no {@code "5"}, no {@code 1.5}
 * for an integer field), a boolean a JSON boolean, a string a JSON string. Unknown fields are
 * ignored so that a newer peer may add some.
 */
public final class WireJson {

    /** Longest text frame the agent accepts from the server, and the limit for every other frame. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /**
     * Longest text frame the server accepts from an agent: a {@link AgentMessage.CommandResult} of a
     * remote {@code run} carries up to 1 MiB of standard output and 1 MiB of standard error, which
     * JSON escaping may grow (a control character becomes six characters). The agent shrinks a
     * result that would not fit (see {@link #fits}).
     */
    public static final int MAX_AGENT_MESSAGE_BYTES = 8 * 1024 * 1024;

    /**
     * Deepest nesting accepted. Real messages nest three levels (message, inventory or args); the
     * limit stops a frame of many {@code [} from costing stack (Jackson's own default is 1000).
     */
    public static final int MAX_NESTING_DEPTH = 32;

    private static final ObjectMapper MAPPER = strictMapper(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());

    /**
     * Longest grid result body (stdout, stderr and output files in base64 plus a little JSON): the
     * sandbox caps a run's output at 64 MiB, which base64 makes about 86 MiB.
     */
    public static final long MAX_RESULT_BYTES = 96L << 20;

    private static final ObjectMapper RESULT_MAPPER = strictMapper(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength((int) MAX_RESULT_BYTES)
            .maxDocumentLength(MAX_RESULT_BYTES)
            .build());

    private WireJson() {}

    private static ObjectMapper strictMapper(StreamReadConstraints constraints) {
        return JsonMapper.builder(JsonFactory.builder()
                        // Jackson's default pool keeps buffers per thread; servers and agent links run
                        // each message on a fresh virtual thread, which then allocated new buffers every
                        // time (a third of the server's allocation at 10k agents). A shared pool reuses them.
                        .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                        .streamReadConstraints(constraints)
                        .build())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // ALLOW_COERCION_OF_SCALARS does not cover number/boolean -> String.
                .withCoercionConfig(
                        LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** Writes a grid result as one JSON document. */
    public static void encode(GridResult result, java.io.OutputStream out) throws java.io.IOException {
        RESULT_MAPPER.writeValue(out, result);
    }

    /**
     * Reads a grid result body; never throws for bad input (the stream's own I/O errors aside):
     * malformed JSON, wrong types or a body over {@link #MAX_RESULT_BYTES} become {@link Decoded.Malformed}.
     */
    public static Decoded<GridResult> decodeResult(java.io.InputStream in) throws java.io.IOException {
        try {
            GridResult result = RESULT_MAPPER.readValue(in, GridResult.class);
            if (result == null || result.kind() == null || result.sha256() == null) {
                return new Decoded.Malformed<>("a result needs kind and sha256");
            }
            return new Decoded.Ok<>(result);
        } catch (JsonProcessingException | RuntimeException e) {
            return new Decoded.Malformed<>(oneLine(e));
        }
    }

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

    /** Decodes an agent's frame (up to {@link #MAX_AGENT_MESSAGE_BYTES}). */
    public static Decoded<AgentMessage> decodeAgent(String text) {
        return read(text, AgentMessage.class, MAX_AGENT_MESSAGE_BYTES);
    }

    /** Decodes a server's frame (up to {@link #MAX_MESSAGE_BYTES}). */
    public static Decoded<ServerMessage> decodeServer(String text) {
        return read(text, ServerMessage.class, MAX_MESSAGE_BYTES);
    }

    /**
     * True when an agent's encoded frame is within {@link #MAX_AGENT_MESSAGE_BYTES} in UTF-8 (the
     * WebSocket limit counts bytes, {@link #decodeAgent} characters; bytes are never fewer).
     */
    public static boolean fits(String encodedAgentMessage) {
        if (encodedAgentMessage.length() > MAX_AGENT_MESSAGE_BYTES) {
            return false;
        }
        long bytes = 0;
        for (int i = 0; i < encodedAgentMessage.length(); i++) {
            char ch = encodedAgentMessage.charAt(i);
            bytes += ch < 0x80 ? 1 : ch < 0x800 || Character.isSurrogate(ch) ? 2 : 3;
        }
        return bytes <= MAX_AGENT_MESSAGE_BYTES;
    }

    private static String write(Object message, Class<?> type) {
        try {
            return MAPPER.writerFor(type).writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    private static <T> Decoded<T> read(String text, Class<T> type, int limit) {
        if (text == null) {
            return new Decoded.Malformed<>("no text");
        }
        if (text.length() > limit) {
            return new Decoded.Malformed<>("message longer than " + limit + " characters");
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
