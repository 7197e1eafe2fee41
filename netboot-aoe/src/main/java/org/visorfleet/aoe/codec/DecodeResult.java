package org.visorfleet.aoe.codec;

import java.util.Optional;

/** The outcome of decoding bytes from the wire: decoding never throws on peer input. */
public sealed interface DecodeResult {
    /** A well-formed frame. */
    record Decoded(AoeFrame frame) implements DecodeResult {}

    /**
     * Bytes that are not a valid frame. {@code header} is present when the common header itself was
     * readable, so a target can still answer with an error; {@code offset} is where the problem is.
     */
    record Malformed(Optional<AoeHeader> header, String reason, int offset) implements DecodeResult {}
}
