package org.visorfleet.common.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireJsonTest {
    static final Inventory INVENTORY = new Inventory(
            "desk-17",
            "Debian GNU/Linux 12 (bookworm)",
            "6.1.0-26-amd64",
            8,
            0.42,
            16L << 30,
            9L << 30,
            500L << 30,
            123L << 30,
            86_400,
            37L,
            "0.1.0",
            List.of("52:54:00:12:34:56"));

    static List<AgentMessage> agentMessages() {
        Inventory noIdle = new Inventory("h", "unknown", "unknown", 1, 0, 0, 0, 0, 0, 0, null, "v", null);
        return List.of(
                new AgentMessage.Hello("0.1.0", INVENTORY),
                new AgentMessage.Hello("0.1.0", noIdle),
                new AgentMessage.Heartbeat(7, INVENTORY),
                new AgentMessage.Heartbeat(Long.MAX_VALUE, noIdle),
                new AgentMessage.Event(1, 1_700_000_000_000L, "agent.failover", "from a to b"),
                new AgentMessage.Event(2, 0, "x", "quotes \" backslash \\ newline \n unicode é ☃ 😀"),
                AgentMessage.CommandResult.of("c-1", true, "pong"),
                AgentMessage.CommandResult.of("c-2", false, ""),
                new AgentMessage.CommandResult("c-3", true, "exit 3", 3, "out\n", "err \u0000 é\n"),
                new AgentMessage.CommandResult("c-4", false, "timed out after 5 s", 124, "", "[truncated]"),
                new AgentMessage.GridStatus(true, "no input for 600 s, load 0.05", 1, 1),
                new AgentMessage.GridStatus(false, "user active 3 s ago", 0, 0));
    }

    static List<ServerMessage> serverMessages() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("message", "hello \"world\"");
        args.put("seconds", "30");
        return List.of(
                new ServerMessage.Welcome(
                        "desk-17", "server-a", 15_000, 0, 2222, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdR host"),
                new ServerMessage.Welcome("desk-18", "server-b", 1, Long.MAX_VALUE, 0, null),
                new ServerMessage.Pong(7),
                new ServerMessage.EventAck(42),
                new ServerMessage.Command("c-1", "reboot", Map.of()),
                new ServerMessage.Command("c-2", "notify", args),
                new ServerMessage.Work(
                        17,
                        3,
                        0,
                        "primes",
                        "ab".repeat(32),
                        List.of("1", "1000"),
                        null,
                        Map.of("table.txt", "cd".repeat(32)),
                        List.of("out.txt"),
                        1_000_000_000L,
                        64L << 20,
                        1L << 20,
                        42,
                        1_700_000_000_000L),
                new ServerMessage.WorkCancel(17, "unit 0 of job 3 is validated"));
    }

    /** Every valid encoding, as the fuzzer's starting points. */
    static List<String> validTexts() {
        List<String> texts = new ArrayList<>();
        agentMessages().forEach(m -> texts.add(WireJson.encode(m)));
        serverMessages().forEach(m -> texts.add(WireJson.encode(m)));
        return texts;
    }

    @Test
    void everyAgentMessageRoundTrips() {
        for (AgentMessage m : agentMessages()) {
            String text = WireJson.encode(m);
            assertEquals(new WireJson.Decoded.Ok<>(m), WireJson.decodeAgent(text), text);
        }
    }

    @Test
    void everyServerMessageRoundTrips() {
        for (ServerMessage m : serverMessages()) {
            String text = WireJson.encode(m);
            assertEquals(new WireJson.Decoded.Ok<>(m), WireJson.decodeServer(text), text);
        }
    }

    @Test
    void opNamesAreTheDocumentedOnes() {
        assertTrue(WireJson.encode(new ServerMessage.EventAck(3)).contains("\"op\":\"event-ack\""));
        assertTrue(WireJson.encode(AgentMessage.CommandResult.of("c", true, "")).contains("\"op\":\"command-result\""));
    }

    @Test
    void unknownFieldsAreIgnoredSoNewerPeersCanAddThem() {
        assertEquals(
                new WireJson.Decoded.Ok<>(new ServerMessage.Pong(5)),
                WireJson.decodeServer("{\"op\":\"pong\",\"seq\":5,\"newField\":{\"a\":[1,2]}}"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "null",
                "[]",
                "{}",
                "\"pong\"",
                "42",
                "{\"op\":\"no-such-op\",\"seq\":1}",
                "{\"seq\":1}",
                "{\"op\":null,\"seq\":1}",
                "{\"op\":7,\"seq\":1}",
                "{\"op\":\"pong\",\"seq\":\"abc\"}",
                "{\"op\":\"pong\",\"seq\":\"5\"}",
                "{\"op\":\"pong\",\"seq\":{}}",
                "{\"op\":\"pong\",\"seq\":[1]}",
                "{\"op\":\"pong\",\"seq\":true}",
                "{\"op\":\"pong\",\"seq\":1.5}",
                "{\"op\":\"pong\",\"seq\":null}",
                "{\"op\":\"pong\",\"seq\":99999999999999999999999}",
                "{\"op\":\"command\",\"id\":\"c\",\"action\":\"a\",\"args\":[\"x\"]}",
                "{\"op\":\"command\",\"id\":{},\"action\":\"a\",\"args\":{}}",
                "{\"op\":\"welcome\",\"clientName\":\"d\",\"serverId\":\"s\",\"heartbeatMillis\":\"x\",\"ackedEventSeq\":0}",
                "{\"op\":\"pong\",\"seq\":1} {\"op\":\"pong\",\"seq\":2}",
                "{\"op\":\"pong\",\"seq\":1}x",
                "{\"op\":\"pong\",\"seq\":1}]",
                "{\"op\":\"pong\",\"seq\":1",
                "{'op':'pong','seq':1}",
                "{\"op\":\"welcome\",\"clientName\":5,\"serverId\":\"s\",\"heartbeatMillis\":1,\"ackedEventSeq\":0}",
                "{\"op\":\"command\",\"id\":\"c\",\"action\":\"a\",\"args\":{\"k\":{\"x\":1}}}",
                "{\"op\":\"hello\",\"agentVersion\":\"v\"}",
            })
    void serverDecoderRejects(String text) {
        assertMalformed(WireJson.decodeServer(text), text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "null",
                "[]",
                "{\"op\":\"pong\",\"seq\":1}",
                "{\"op\":\"event\",\"seq\":\"one\",\"timeMillis\":0,\"name\":\"n\",\"detail\":\"d\"}",
                "{\"op\":\"event\",\"seq\":1,\"timeMillis\":0,\"name\":[],\"detail\":\"d\"}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":\"yes\",\"output\":\"\"}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":1,\"output\":\"\"}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":true,\"output\":false}",
                "{\"op\":\"command-result\",\"commandId\":1.5,\"ok\":true,\"output\":\"\"}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":true,\"output\":\"\",\"exitCode\":\"3\"}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":true,\"output\":\"\",\"exitCode\":1.5}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":true,\"output\":\"\",\"exitCode\":4294967296}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":true,\"output\":\"\",\"stdout\":7}",
                "{\"op\":\"command-result\",\"commandId\":\"c\",\"ok\":true,\"output\":\"\",\"stderr\":[\"e\"]}",
                "{\"op\":\"heartbeat\",\"seq\":1,\"inventory\":{\"cpuCount\":\"many\"}}",
                "{\"op\":\"heartbeat\",\"seq\":1,\"inventory\":[]}",
                "{\"op\":\"heartbeat\",\"seq\":1,\"inventory\":null} trailing",
            })
    void agentDecoderRejects(String text) {
        assertMalformed(WireJson.decodeAgent(text), text);
    }

    @Test
    void nullTextIsMalformedNotAnException() {
        assertMalformed(WireJson.decodeAgent(null), "null reference");
        assertMalformed(WireJson.decodeServer(null), "null reference");
    }

    @Test
    void oversizedTextIsRejectedBeforeParsing() {
        String big = "{\"op\":\"pong\",\"seq\":1,\"pad\":\"" + "x".repeat(WireJson.MAX_MESSAGE_BYTES) + "\"}";
        assertMalformed(WireJson.decodeServer(big), "oversized");
        String justFits = "{\"op\":\"pong\",\"seq\":1,\"p\":\"\"}";
        justFits = justFits.replace(
                "\"p\":\"\"", "\"p\":\"" + "x".repeat(WireJson.MAX_MESSAGE_BYTES - justFits.length()) + "\"");
        assertEquals(WireJson.MAX_MESSAGE_BYTES, justFits.length());
        assertInstanceOf(WireJson.Decoded.Ok.class, WireJson.decodeServer(justFits));
    }

    @Test
    void aResultWithTwoMebibytesOfOutputFitsButAServerFrameThatLongDoesNot() {
        String mebibyte = "x".repeat(1 << 20);
        AgentMessage.CommandResult big = new AgentMessage.CommandResult("c", true, "exit 0", 0, mebibyte, mebibyte);
        String text = WireJson.encode(big);
        assertTrue(WireJson.fits(text));
        assertEquals(new WireJson.Decoded.Ok<>(big), WireJson.decodeAgent(text));
        assertMalformed(WireJson.decodeServer(text), "a server frame over 64 KiB");
    }

    @Test
    void anAgentFrameOverItsLimitIsRejectedAndFitsSaysSo() {
        // Control characters escape to six characters each: 1.5 Mi of them make 9 MiB of JSON.
        String control = "\u0001".repeat(3 << 19);
        String text = WireJson.encode(new AgentMessage.CommandResult("c", true, "exit 0", 0, control, ""));
        assertFalse(WireJson.fits(text));
        assertMalformed(WireJson.decodeAgent(text), "an agent frame over 8 MiB");
        // Three UTF-8 bytes per character: within the character limit, over the byte limit.
        String wide = "€".repeat(3 << 20);
        String encoded = WireJson.encode(new AgentMessage.CommandResult("c", true, "exit 0", 0, wide, ""));
        assertTrue(encoded.length() <= WireJson.MAX_AGENT_MESSAGE_BYTES);
        assertFalse(WireJson.fits(encoded));
    }

    @Test
    void deeplyNestedJsonIsMalformed() {
        List<String> deep = List.of(
                "[".repeat(100_000),
                "{\"a\":".repeat(20_000),
                "{\"op\":\"pong\",\"seq\":1,\"x\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}",
                "{\"op\":\"command\",\"id\":\"c\",\"action\":\"a\",\"args\":" + "{\"k\":".repeat(10_000) + "1"
                        + "}".repeat(10_000) + "}");
        for (String text : deep) {
            String head = text.substring(0, 40);
            assertMalformed(WireJson.decodeServer(text), head);
            assertMalformed(WireJson.decodeAgent(text), head);
        }
    }

    @Test
    void everyTruncationOfAValidMessageIsMalformed() {
        for (String text : validTexts()) {
            for (int n = 0; n < text.length(); n++) {
                String cut = text.substring(0, n);
                assertMalformed(WireJson.decodeServer(cut), cut);
                assertMalformed(WireJson.decodeAgent(cut), cut);
            }
        }
    }

    private static final String ALPHABET = "{}[]\":,0123456789-.eE+ \\nultrfas\u0000\uFFFF\uD800é";

    @ParameterizedTest
    @MethodSource("org.visorfleet.common.testing.FuzzSeeds#seeds")
    void seededMutationsNeverThrow(long seed) {
        System.out.println("WireJsonTest fuzz seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<String> valid = validTexts();
        int ok = 0;
        for (int i = 0; i < 5000; i++) {
            String text = mutate(valid.get(rnd.nextInt(valid.size())), rnd);
            for (Function<String, WireJson.Decoded<?>> decoder :
                    List.<Function<String, WireJson.Decoded<?>>>of(WireJson::decodeAgent, WireJson::decodeServer)) {
                WireJson.Decoded<?> result;
                try {
                    result = decoder.apply(text);
                } catch (Throwable t) {
                    throw new AssertionError("seed " + seed + " input " + i + " threw on: " + text, t);
                }
                assertNotNull(result, "seed " + seed + " input " + i);
                if (result instanceof WireJson.Decoded.Ok<?>(var message)) {
                    assertNotNull(message);
                    ok++;
                }
            }
        }
        // Mutations are small, so some survive; if none did the fuzzer would only test the lexer.
        assertTrue(ok > 0, "seed " + seed + ": no mutated input decoded");
    }

    /** One to four random edits: delete, insert, replace, duplicate a span, or splice in nesting. */
    static String mutate(String text, Random rnd) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = b.isEmpty() ? 0 : rnd.nextInt(b.length());
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    if (!b.isEmpty()) b.deleteCharAt(at);
                }
                case 1 -> b.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                case 2 -> {
                    if (!b.isEmpty()) b.setCharAt(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                }
                case 3 -> {
                    int end = Math.min(b.length(), at + 1 + rnd.nextInt(16));
                    b.insert(at, b.substring(at, end));
                }
                case 4 -> b.insert(at, "[".repeat(rnd.nextInt(3000)));
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    private static void assertMalformed(WireJson.Decoded<?> result, String input) {
        assertInstanceOf(WireJson.Decoded.Malformed.class, result, () -> "accepted: " + input);
        String reason = ((WireJson.Decoded.Malformed<?>) result).reason();
        assertNotNull(reason);
        assertFalse(reason.isBlank(), "a rejection states a reason: " + input);
    }
}
