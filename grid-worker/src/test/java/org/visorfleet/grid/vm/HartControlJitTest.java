package org.visorfleet.grid.vm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tests of {@link HartControlTest}, run by translated code. */
class HartControlJitTest extends HartControlTest {
    @BeforeAll
    static void translate() {
        ForcedTranslation.on();
    }

    @AfterAll
    static void interpretAgain() {
        ForcedTranslation.off();
    }
}
