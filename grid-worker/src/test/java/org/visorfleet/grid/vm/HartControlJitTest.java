package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.ExtendWith;

/** The tests of {@link HartControlTest}, run by translated code. */
@ExtendWith(ForcedTranslation.class)
class HartControlJitTest extends HartControlTest {}
