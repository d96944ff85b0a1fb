package org.recsec.cli.se;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.recsec.record.internal.wire.Bytes;

/**
 * Options the SE commands share: {@code --psk HEX} and {@code --identity ID} (a pre-shared key, RFC 4279 §2), or
 * {@code --cert} with its PEM files.
 */
final class SeOptions {
    private SeOptions() {
    }

    /**
     * The options after the subcommand ({@code args[1..]}) of a command that takes {@code --cert}: each option of
     * {@code valued} at most once, with its value, into {@code into}; the flag {@code --cert} at most once.
     *
     * @return whether {@code --cert} was given
     * @throws IllegalArgumentException an unknown option, a missing value, or an option given twice
     */
    static boolean parseWithCert(String[] args, Set<String> valued, Map<String, String> into) {
        boolean cert = false;
        for (int i = 1; i < args.length; i++) {
            String k = args[i];
            if (k.equals("--cert")) {
                if (cert) {
                    throw new IllegalArgumentException("--cert given twice");
                }
                cert = true;
                continue;
            }
            if (!valued.contains(k)) {
                throw new IllegalArgumentException("unknown argument " + k);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(k + " needs a value");
            }
            if (into.put(k, args[++i]) != null) {
                throw new IllegalArgumentException(k + " given twice");
            }
        }
        return cert;
    }

    /** The key from its hex text: 1 to 64 bytes. */
    static byte[] psk(String hex) {
        byte[] psk;
        try {
            psk = Bytes.fromHex(hex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--psk is not hex");
        }
        if (psk.length < 1 || psk.length > 64) {
            throw new IllegalArgumentException("--psk must be 1..64 bytes");
        }
        return psk;
    }

    /** The identity's UTF-8 bytes: 1 to 64 of them. */
    static byte[] identity(String text) {
        byte[] id = text.getBytes(StandardCharsets.UTF_8);
        if (id.length < 1 || id.length > 64) {
            throw new IllegalArgumentException("--identity must be 1..64 bytes");
        }
        return id;
    }

    /** With {@code --cert}: no PSK options, and each of {@code files} given and readable. */
    static void requireCertFiles(Map<String, String> m, String... files) {
        if (m.containsKey("--psk") || m.containsKey("--identity")) {
            throw new IllegalArgumentException("--cert and --psk/--identity exclude each other");
        }
        for (String req : files) {
            if (!m.containsKey(req)) {
                throw new IllegalArgumentException("--cert needs " + req);
            }
            if (!Files.isReadable(Path.of(m.get(req)))) {
                throw new IllegalArgumentException(req + " " + m.get(req) + " is not a readable file");
            }
        }
    }
}
