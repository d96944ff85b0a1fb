package org.recsec.cli;

import org.recsec.cli.args.UsageException;

import org.recsec.cli.args.Command;

import org.recsec.cli.args.Args;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.recsec.record.internal.Bytes;
import org.recsec.record.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecSecException;
import org.recsec.record.RecordCipher;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * {@code recsec protect} and {@code recsec unprotect}: the library's protect/unprotect on hex lines, for debugging.
 * Uses exactly the library's code path (RecordProtector with a ManualSa), so the output agrees byte for byte.
 */
public final class ProtectCommand implements Command {
    private static final String LOCAL = "local";
    private static final String PEER = "peer";
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
        return "usage: recsec " + verb + " --suite HEX --key HEX --iv HEX --spi HEX --epoch N --seq N"
                + " [--request-seq N]" + (protect ? "" : " [--window N]") + "\n"
                + (protect
                ? "Reads plain CoAP messages, hex, one per line, and writes each protected message (hex) on its own\n"
                + "line. Sequence numbers count up from --seq. Requests and responses are told apart by their code;\n"
                + "responses are bound to the request whose record had --request-seq (epoch << 48 | seq).\n"
                : "Reads protected CoAP messages, hex, one per line, and writes each verified inner message (hex).\n"
                + "--seq is accepted for symmetry with protect and ignored: the records carry their own.\n"
                + "Responses are checked against --request-seq (required for responses). A refused line prints\n"
                + "its reason on standard error; the exit code is then 1.\n")
                + "Suites: c0a8 (AES-128-CCM-8), c0a4 (AES-128-CCM), 00a8 (AES-128-GCM), ccab (ChaCha20-Poly1305).\n";
    }

    @Override
    public int run(String[] argv, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Args a = Args.parse(argv, 0, Set.of("--suite", "--key", "--iv", "--spi", "--epoch", "--seq", "--request-seq",
                "--window"), Set.of());
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + a.positional().get(0));
        }
        CipherSuite suite;
        try {
            suite = CipherSuite.forCode((int) a.hexLong("--suite", 0xffff));
        } catch (RecSecException e) {
            throw new UsageException("unsupported suite " + a.get("--suite", ""));
        }
        byte[] key = a.hex("--key");
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
        RecordCipher cipher = RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv);
        InMemorySaRegistry reg = new InMemorySaRegistry();
        reg.install(protect ? ManualSa.outbound(spi, suite, epoch, seq, LOCAL, PEER, cipher)
                : ManualSa.inbound(spi, suite, epoch, window, LOCAL, PEER, cipher));
        RecordProtector protector = new RecordProtector(reg);
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
        return protector.unprotectResponse(m, new ProtectedRequest(m.withCode(0x02), requestSeq, PEER));
    }
}
