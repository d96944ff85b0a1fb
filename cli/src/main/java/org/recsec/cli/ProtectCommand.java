package org.recsec.cli;

import org.recsec.cli.args.UsageException;

import org.recsec.cli.args.Command;

import org.recsec.cli.args.Args;
import org.recsec.cli.args.KeyInput;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.internal.wire.Bytes;

/**
 * {@code recsec protect} and {@code recsec unprotect}: the library's protect/unprotect on hex lines, for debugging.
 * Uses exactly the library's code path (RecordProtector with a ManualSa), so the output agrees byte for byte.
 */
public final class ProtectCommand implements Command {
    private static final LocalId LOCAL = LocalId.of("local");
    private static final PeerId PEER = PeerId.of("peer");
    private final boolean protect;

    public ProtectCommand(boolean protect) {
        this.protect = protect;
    }

    @Override
    public String summary() {
        return protect ? "protect plain CoAP messages (hex lines on stdin)" : "unprotect protected CoAP messages (hex lines on stdin)";
    }

    @Override
    public String help() {
        String verb = protect ? "protect" : "unprotect";
        return "usage: recsec " + verb + " [--profile dtls12|dtls12-cid] --suite HEX (--key HEX | --key-file PATH | --key -) --iv HEX --spi HEX"
                + " --epoch N --seq N"
                + " [--request-seq N]" + (protect ? "" : " [--window N]") + "\n"
                + "       recsec " + verb + " --profile compact --suite 1305 (--secret HEX32 | --secret-file PATH) --spi HEX"
                + (protect ? " --seq N" : "") + " [--request-seq N] [--epoch N] [--seq-bytes 1|2]"
                + (protect ? "" : " [--window N]") + "\n"
                + (protect
                ? "Reads plain CoAP messages, hex, one per line, and writes each protected message (hex) on its own\n"
                + "line. Sequence numbers count up from --seq. Requests and responses are told apart by their code;\n"
                + "responses are bound to the request whose record had --request-seq (epoch << 48 | seq).\n"
                : "Reads protected CoAP messages, hex, one per line, and writes each verified inner message (hex).\n"
                + "--seq is accepted for symmetry with protect and ignored: the records carry their own.\n"
                + "Responses are checked against --request-seq (required for responses). A refused line prints\n"
                + "its reason on standard error; the exit code is then 1.\n")
                + "--key-file PATH reads the hex key from a file, --key - (or --key-file -) from the first line of\n"
                + "standard input (the messages follow it); a key on the command line is visible to other users.\n"
                + "Suites: c0a8 (AES-128-CCM-8), c0a4 (AES-128-CCM), 00a8 (AES-128-GCM), ccab (ChaCha20-Poly1305).\n"
                + "--profile compact (RFC 9147 records, docs/profiles.md): --suite is the TLS 1.3 code point\n"
                + "(1305, 1304, 1301, 1303), --secret the 32-byte traffic secret of the direction protected\n"
                + "(or --secret-file PATH, or --secret - for stdin), --epoch defaults to 3, --seq-bytes to 2;\n"
                + "--request-seq is the request record's sequence number, bound as epoch << 48 | seq.\n"
                + "--profile dtls12-cid (RFC 9146 records: outer type 25, the SPI as 4-byte connection ID, the\n"
                + "inner content type after the content) takes the same arguments as dtls12.\n"
                + "--profile dtls12 is the default.\n";
    }

    @Override
    public int run(String[] argv, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Args a = Args.parse(argv, 0, Set.of("--suite", "--key", "--key-file", "--iv", "--spi", "--epoch", "--seq",
                "--request-seq", "--window", "--profile", "--secret", "--secret-file", "--seq-bytes"), Set.of());
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + a.positional().get(0));
        }
        String profile = a.get("--profile", "dtls12");
        if (profile.equals("compact")) {
            return runCompact(a, in, out, err);
        }
        if (!profile.equals("dtls12") && !profile.equals("dtls12-cid")) {
            throw new UsageException("unknown profile " + profile + " (dtls12, dtls12-cid, compact)");
        }
        RecordProfile recordProfile = profile.equals("dtls12") ? RecordProfile.DTLS12 : RecordProfile.DTLS12_CID;
        CipherSuite suite;
        try {
            suite = CipherSuite.forCode((int) a.hexLong("--suite", 0xffff));
        } catch (RecSecException e) {
            throw new UsageException("unsupported suite " + a.get("--suite", ""));
        }
        byte[] key = KeyInput.read("--key", a.get("--key", null), a.get("--key-file", null), in);
        byte[] iv = a.hex("--iv");
        if (key.length != suite.keySizeBytes() || iv.length != suite.ivSizeBytes()) {
            throw new UsageException(suite + " needs a " + suite.keySizeBytes() + "-byte key and a "
                    + suite.ivSizeBytes() + "-byte iv");
        }
        long spi = a.hexLong("--spi", 0xffff_ffffL);
        int epoch = (int) a.longValue("--epoch", 0, 0xffff, -1);
        long seq = a.longValue("--seq", 0, ManualSa.MAX_SEQUENCE, protect ? -1 : 0);
        long requestSeq = a.has("--request-seq") ? a.longValue("--request-seq", 0, Long.MAX_VALUE, 0) : -1;
        int window = (int) a.longValue("--window", 1, 1024, 64);
        InMemorySaRegistry reg = new InMemorySaRegistry();
        if (protect) {
            reg.install(ManualSa.outbound(suite).profile(recordProfile).spi(spi).epoch(epoch).firstSequence(seq)
                    .route(LOCAL, PEER).key(SecretBytes.copyOf(key)).iv(iv).build());
        } else {
            reg.install(ManualSa.inbound(suite).profile(recordProfile).spi(spi).epoch(epoch).replayWindow(window)
                    .route(LOCAL, PEER).key(SecretBytes.copyOf(key)).iv(iv).build());
        }
        return processLines(new RecordProtector(reg), requestSeq, in, out, err);
    }

    /** {@code --profile compact}: the SA keyed by one traffic secret (RFC 9147 §5.9, RFC 8446 §7.3). */
    private int runCompact(Args a, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        if (a.has("--key") || a.has("--key-file") || a.has("--iv")) {
            throw new UsageException("the compact profile takes --secret, not --key/--iv");
        }
        CipherSuite suite;
        try {
            suite = CipherSuite.forTls13Code((int) a.hexLong("--suite", 0xffff));
        } catch (RecSecException e) {
            throw new UsageException("unsupported suite " + a.get("--suite", "") + " (1305, 1304, 1301, 1303)");
        }
        byte[] secret = KeyInput.read("--secret", a.get("--secret", null), a.get("--secret-file", null), in);
        if (secret.length != 32) {
            throw new UsageException("--secret must be 32 bytes (64 hex digits)");
        }
        long spi = a.hexLong("--spi", 0xffff_ffffL);
        int epoch = (int) a.longValue("--epoch", 0, 0xffff, 3);
        int seqBytes = (int) a.longValue("--seq-bytes", 1, 2, 2);
        long seq = a.longValue("--seq", 0, ManualSa.MAX_SEQUENCE, protect ? -1 : 0);
        long requestSeq = a.has("--request-seq")
                ? ((long) epoch << 48) | a.longValue("--request-seq", 0, ManualSa.MAX_SEQUENCE, 0) : -1;
        int window = (int) a.longValue("--window", 1, 1024, 64);
        InMemorySaRegistry reg = new InMemorySaRegistry();
        if (protect) {
            reg.install(ManualSa.outbound(suite).profile(RecordProfile.COMPACT).sequenceBytes(seqBytes).spi(spi)
                    .epoch(epoch).firstSequence(seq).route(LOCAL, PEER).secret(SecretBytes.copyOf(secret)).build());
        } else {
            reg.install(ManualSa.inbound(suite).profile(RecordProfile.COMPACT).sequenceBytes(seqBytes).spi(spi)
                    .epoch(epoch).replayWindow(window).route(LOCAL, PEER).secret(SecretBytes.copyOf(secret))
                    .build());
        }
        return processLines(new RecordProtector(reg), requestSeq, in, out, err);
    }

    private int processLines(RecordProtector protector, long requestSeq, InputStream in, PrintStream out,
                             PrintStream err) {
        int failures = 0;
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    out.println(Bytes.toHex(CoapCodec.encode(process(protector, line, requestSeq))));
                } catch (RecSecException e) {
                    err.println("line " + lineNo + ": " + e.getMessage());
                    failures++;
                } catch (IllegalArgumentException e) {
                    err.println("line " + lineNo + ": " + e.getMessage());
                    failures++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private CoapMessage process(RecordProtector protector, String hex, long requestSeq) throws RecSecException {
        byte[] bytes;
        try {
            bytes = Bytes.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "not hex");
        }
        CoapMessage m = CoapCodec.decode(bytes, 0, bytes.length);
        boolean response = protect ? m.isResponse() : (m.code() >>> 5) != 0;
        if (response && requestSeq < 0) {
            throw new IllegalArgumentException("responses need --request-seq");
        }
        if (protect) {
            if (m.isRequest()) {
                return protector.protectRequest(m, LOCAL, PEER).outer();
            }
            if (!response) {
                throw new IllegalArgumentException("empty messages are not protected");
            }
            return protector.protectResponse(m, new RequestContext(LOCAL, PEER, requestSeq));
        }
        if (!response) {
            return protector.unprotectRequest(m).message();
        }
        return protector.unprotectResponse(m, new ProtectedRequest(m.withCode(0x02), requestSeq, PEER, LOCAL));
    }
}
