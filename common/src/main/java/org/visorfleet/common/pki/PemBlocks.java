package org.visorfleet.common.pki;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits PEM text (RFC 7468) into labelled DER blocks, strictly: every {@code -----BEGIN X-----} needs
 * its {@code -----END X-----} with the same label, the body is standard base64 only (no RFC 1421
 * headers such as {@code Proc-Type}, so no legacy-encrypted keys), and an empty body is an error.
 * Lines may end in CRLF. Text outside blocks is RFC 7468 "explanatory text" and allowed only when
 * the caller says so. Never throws anything but {@link PkiException} on any input.
 */
final class PemBlocks {

    /** One decoded block; {@code line} is the 1-based line of its BEGIN marker. */
    record Block(String label, byte[] der, int line) {}

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    private static final Pattern LABEL = Pattern.compile("[A-Z0-9]+( [A-Z0-9]+)*");
    private static final Pattern BASE64_LINE = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    private PemBlocks() {}

    /**
     * Decodes every block in {@code text}.
     *
     * @param explanatoryText whether non-blank lines outside blocks are allowed (and ignored)
     * @throws PkiException on the first structural error, naming the line
     */
    static List<Block> parse(String text, boolean explanatoryText) throws PkiException {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            String line = stripCr(lines[i]).strip();
            if (line.startsWith(BEGIN)) {
                String label = label(line, BEGIN, i + 1);
                i = readBody(lines, i + 1, label, blocks);
            } else if (line.startsWith(END)) {
                throw new PkiException("PEM END marker without BEGIN at line " + (i + 1));
            } else if (!line.isEmpty() && !explanatoryText) {
                throw new PkiException("unexpected text outside a PEM block at line " + (i + 1));
            } else {
                i++;
            }
        }
        return blocks;
    }

    /** Reads body lines from {@code first} to the END marker; returns the index after that marker. */
    private static int readBody(String[] lines, int first, String label, List<Block> blocks) throws PkiException {
        StringBuilder base64 = new StringBuilder();
        for (int i = first; i < lines.length; i++) {
            String line = stripCr(lines[i]).strip();
            if (line.startsWith(END)) {
                String endLabel = label(line, END, i + 1);
                if (!endLabel.equals(label)) {
                    throw new PkiException("PEM block " + label + " ends with END " + endLabel + " at line " + (i + 1));
                }
                blocks.add(new Block(label, decode(base64, label, first), first));
                return i + 1;
            }
            if (line.startsWith(BEGIN)) {
                throw new PkiException("PEM block " + label + " not terminated before line " + (i + 1));
            }
            if (line.indexOf(':') >= 0) {
                throw new PkiException("PEM headers (legacy encryption) are not supported, line " + (i + 1));
            }
            if (!BASE64_LINE.matcher(line).matches()) {
                throw new PkiException("PEM block " + label + " has non-base64 text at line " + (i + 1));
            }
            base64.append(line);
        }
        throw new PkiException("PEM block " + label + " has no END line (truncated?)");
    }

    private static String label(String line, String marker, int lineNumber) throws PkiException {
        if (!line.endsWith(DASHES) || line.length() < marker.length() + DASHES.length()) {
            throw new PkiException("malformed PEM marker at line " + lineNumber);
        }
        String label = line.substring(marker.length(), line.length() - DASHES.length());
        if (!LABEL.matcher(label).matches()) {
            throw new PkiException("malformed PEM label at line " + lineNumber);
        }
        return label;
    }

    private static byte[] decode(CharSequence base64, String label, int line) throws PkiException {
        if (base64.isEmpty()) {
            throw new PkiException("PEM block " + label + " at line " + line + " is empty");
        }
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new PkiException("PEM block " + label + " at line " + line + " is not valid base64", e);
        }
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Encodes one block with 64-character lines and a trailing newline. */
    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return BEGIN + label + DASHES + "\n" + body + "\n" + END + label + DASHES + "\n";
    }
}
