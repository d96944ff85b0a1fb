package org.recsec.cli.args;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keys for the command line without putting them on it: {@code /proc/PID/cmdline} is readable by every user, so
 * every option that takes a key ({@code --key HEX}) also takes it from a file ({@code --key-file PATH}) or from
 * standard input ({@code --key -} or {@code --key-file -}: the first line of stdin). The file holds the hex key,
 * optionally with {@code 0x} and surrounding white space.
 */
public final class KeyInput {
    /** Longest key file read (hex of a 64-byte key with room for white space). */
    static final int MAX_FILE_BYTES = 1024;

    private KeyInput() {
    }

    /**
     * The key bytes from exactly one of {@code inline} (hex, or "-" for stdin) and {@code file} (a path or "-").
     *
     * @param option the option's name, for messages ({@code --key})
     * @throws UsageException when neither or both are given, the file cannot be read, or the text is not hex
     */
    public static byte[] read(String option, String inline, String file, InputStream stdin) throws UsageException {
        if (inline != null && file != null) {
            throw new UsageException("give " + option + " or " + option + "-file, not both");
        }
        if (inline == null && file == null) {
            throw new UsageException("missing " + option + " (or " + option + "-file PATH, or " + option + " - for stdin)");
        }
        byte[] text;
        String from;
        if ("-".equals(inline) || "-".equals(file)) {
            text = firstLine(stdin, option);
            from = "standard input";
        } else if (file != null) {
            from = file;
            try {
                Path p = Path.of(file);
                if (Files.size(p) > MAX_FILE_BYTES) {
                    throw new UsageException(option + "-file " + file + " is larger than a key file");
                }
                text = Files.readAllBytes(p);
            } catch (IOException | RuntimeException e) {
                throw new UsageException("cannot read " + option + "-file " + file + ": " + e.getMessage());
            }
        } else {
            return hex(option, inline.getBytes(StandardCharsets.US_ASCII), "the command line");
        }
        try {
            return hex(option, text, from);
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    private static byte[] firstLine(InputStream in, String option) throws UsageException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                if (b.size() >= MAX_FILE_BYTES) {
                    throw new UsageException(option + " on standard input: line too long");
                }
                b.write(c);
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + option + " from standard input: " + e.getMessage());
        }
        return b.toByteArray();
    }

    private static byte[] hex(String option, byte[] text, String from) throws UsageException {
        String s = new String(text, StandardCharsets.US_ASCII).strip();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        try {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            return java.util.HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " from " + from + " is not hex");
        }
    }
}
