package org.visorfleet.console.terminal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random bytes, biased towards the characters escape sequences are made of, fed in random chunks
 * with resizes in between: the parser never throws and the screen stays consistent. The seeds are
 * fixed so that a failure reproduces.
 */
class TerminalParserFuzzTest {

    private static final byte[] INTERESTING = "\u001b[];?0123456789;:mHJKLMPr@hlsu78\u0007\r\n\b\t(0B\\PX^_ c>!"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1337, 20261122, 0xC0FFEEL, 987654321})
    void randomInputNeverBreaksTheScreen(long seed) {
        Random random = new Random(seed);
        TerminalScreen screen = new TerminalScreen(1 + random.nextInt(120), 1 + random.nextInt(40));
        TerminalParser parser = new TerminalParser(screen, reply -> {}, () -> {});
        for (int chunk = 0; chunk < 400; chunk++) {
            byte[] bytes = new byte[random.nextInt(256)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(3) == 0
                        ? (byte) random.nextInt(256)
                        : INTERESTING[random.nextInt(INTERESTING.length)];
            }
            parser.feed(bytes);
            assertTrue(screen.consistent(), "seed " + seed + ", chunk " + chunk);
            if (random.nextInt(40) == 0) {
                screen.resize(random.nextInt(150) - 5, random.nextInt(60) - 5);
                assertTrue(screen.consistent(), "seed " + seed + ", resize after chunk " + chunk);
            }
            screen.text();
        }
    }
}
