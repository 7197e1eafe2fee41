package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.ExtendWith;

/** The tests of {@link FloatInstructionTest}, run by translated code. */
@ExtendWith(ForcedTranslation.class)
class FloatInstructionJitTest extends FloatInstructionTest {}
