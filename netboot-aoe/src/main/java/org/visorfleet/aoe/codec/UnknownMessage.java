package org.visorfleet.aoe.codec;

import java.nio.ByteBuffer;

/** The argument of a command this implementation does not know; a target answers error 1. */
public record UnknownMessage(ByteBuffer argument) implements AoeMessage {
    public UnknownMessage {
        argument = argument.isReadOnly() ? argument : argument.asReadOnlyBuffer();
    }
}
