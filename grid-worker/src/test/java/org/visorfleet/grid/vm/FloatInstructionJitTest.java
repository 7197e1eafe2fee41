package org.visorfleet.grid.vm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tests of {@link FloatInstructionTest}, run by translated code. */
class FloatInstructionJitTest extends FloatInstructionTest {
    @BeforeAll
    static void translate() {
        ForcedTranslation.on();
    }

    @AfterAll
    static void interpretAgain() {
        ForcedTranslation.off();
    }
}
