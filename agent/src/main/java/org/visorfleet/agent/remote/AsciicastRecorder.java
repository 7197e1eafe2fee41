package org.visorfleet.agent.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records an interactive session in asciicast v2 (what {@code asciinema play} plays): a header line
 * with the terminal size, then one JSON array per chunk of output ({@code [seconds, "o", text]}) and
 * per resize ({@code [seconds, "r", "COLSxROWS"]}). Output bytes are decoded as UTF-8 across chunk
 * boundaries; invalid bytes become U+FFFD.
 */
final class AsciicastRecorder implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private final long startNanos = System.nanoTime();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(0);

    AsciicastRecorder(Path file, int columns, int rows, String title, Map<String, String> env) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("version", 2);
        header.put("width", columns);
        header.put("height", rows);
        header.put("timestamp", System.currentTimeMillis() / 1000);
        header.put("title", title);
        header.put("env", env);
        out.write(JSON.writeValueAsString(header));
        out.write('\n');
    }

    synchronized void output(byte[] bytes, int length) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + length);
        in.put(pending).put(bytes, 0, length).flip();
        CharBuffer text = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, text, false);
        pending = ByteBuffer.allocate(in.remaining()).put(in).flip();
        text.flip();
        if (text.hasRemaining()) {
            event("o", text.toString());
        }
    }

    synchronized void resize(int columns, int rows) throws IOException {
        event("r", columns + "x" + rows);
    }

    private void event(String code, String data) throws IOException {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.write(JSON.writeValueAsString(List.of(Math.round(seconds * 1e6) / 1e6, code, data)));
        out.write('\n');
    }

    @Override
    public synchronized void close() throws IOException {
        if (pending.hasRemaining()) {
            event("o", "\uFFFD");
            pending = ByteBuffer.allocate(0);
        }
        out.close();
    }
}
