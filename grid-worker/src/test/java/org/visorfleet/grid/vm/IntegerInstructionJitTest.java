package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.ExtendWith;

/** The tests of {@link IntegerInstructionTest}, run by translated code. */
@ExtendWith(ForcedTranslation.class)
class IntegerInstructionJitTest extends IntegerInstructionTest {}
