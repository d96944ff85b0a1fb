package org.recsec.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.recsec.record.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecSecException;
import org.recsec.record.RecordProtector;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.SecretBytes;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * record-sec protecting and unprotecting the requests of {@link Messages} with the dtls12 profile and suite c0a8
 * (TLS_PSK_WITH_AES_128_CCM_8), keyed by {@link ManualSa}s in {@link InMemorySaRegistry}s. The peer of
 * {@link OscoreBench}; both benchmarks do the same work per operation:
 *
 * <ul>
 *   <li>{@code protect}: the application builds the plain request from its parts (code, MID, token, options,
 *       payload) and the client protects it: outbound SA lookup, option split, inner plaintext, sequence number,
 *       record seal, outer message.</li>
 *   <li>{@code unprotect}: the received outer message is built from its parts (what a parser hands over), then the
 *       server unprotects it: Record-Security option, SA lookup by SPI, header checks, replay check, record open,
 *       inner message parse, window update.</li>
 * </ul>
 *
 * <p>Sequence numbers advance: the unprotect ring holds {@value #RING} requests sealed once with consecutive
 * sequence numbers; when it is used up the server's inbound SA is re-created (new record cipher, fresh replay
 * window) and installed in place of the old one, so every request passes a real replay check. The re-creation is
 * inside the measured time, amortised over {@value #RING} operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordSecBench {
    /** Pre-protected requests per unprotect pass. */
    public static final int RING = 4096;
    static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;
    /** Two-byte SPIs, the shortest there are: 0..255 are reserved (RFC 4301 §4.1; km-interface refuses them). */
    static final long SPI_TO_SERVER = 0x0121;
    static final long SPI_TO_CLIENT = 0x0112;
    static final int EPOCH = 1;
    static final byte[] KEY = {
        0x10, 0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    static final byte[] SALT = {0x51, 0x52, 0x53, 0x54};
    static final byte[] KEY_TO_CLIENT = {
        0x20, 0x1f, 0x1e, 0x1d, 0x1c, 0x1b, 0x1a, 0x19, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11};
    static final byte[] SALT_TO_CLIENT = {0x61, 0x62, 0x63, 0x64};
    static final String CLIENT = "client";
    static final String SERVER = "server";

    @Param({"GET", "POST64", "POST1024"})
    public String message;

    private int code;
    private byte[] token;
    private List<CoapOption> options;
    private byte[] payload;
    private RecordProtector client;
    private int mid;

    private Received[] ring;
    private int next;
    private InMemorySaRegistry serverRegistry;
    private RecordProtector server;

    /** What the server's parser hands over: the outer message's parts. */
    private record Received(int code, int mid, List<CoapOption> options, byte[] payload) {
    }

    @Setup
    public void setUp() throws RecSecException {
        Messages.Kind kind = Messages.Kind.valueOf(message);
        code = Messages.code(kind);
        token = Messages.token();
        options = Messages.recsecOptions(kind);
        payload = Messages.payload(kind);
        client = new RecordProtector(clientRegistry());

        // A separate client produces the unprotect ring, sequence numbers 1 .. RING.
        RecordProtector ringClient = new RecordProtector(clientRegistry());
        ring = new Received[RING];
        for (int i = 0; i < RING; i++) {
            CoapMessage outer = ringClient.protectRequest(plainRequest(i), CLIENT, SERVER).outer();
            ring[i] = new Received(outer.code(), outer.messageId(), outer.options(), outer.payload());
        }
        serverRegistry = new InMemorySaRegistry();
        server = new RecordProtector(serverRegistry);
        resetServer();
    }

    /** The client's SAs: outbound to the server, inbound for its responses. */
    static InMemorySaRegistry clientRegistry() {
        InMemorySaRegistry r = new InMemorySaRegistry();
        r.install(ManualSa.outbound(SPI_TO_SERVER, SUITE, EPOCH, 1, CLIENT, SERVER,
                RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY), SALT)));
        r.install(ManualSa.inbound(SPI_TO_CLIENT, SUITE, EPOCH, ReplayWindow.DEFAULT_SIZE, CLIENT, SERVER,
                RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY_TO_CLIENT), SALT_TO_CLIENT)));
        return r;
    }

    /** The server's SAs: inbound from the client, outbound for responses. */
    static void installServerSas(InMemorySaRegistry r) {
        r.install(ManualSa.inbound(SPI_TO_SERVER, SUITE, EPOCH, ReplayWindow.DEFAULT_SIZE, SERVER, CLIENT,
                RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY), SALT)));
        r.install(ManualSa.outbound(SPI_TO_CLIENT, SUITE, EPOCH, 1, SERVER, CLIENT,
                RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY_TO_CLIENT), SALT_TO_CLIENT)));
    }

    private void resetServer() {
        serverRegistry.install(ManualSa.inbound(SPI_TO_SERVER, SUITE, EPOCH, ReplayWindow.DEFAULT_SIZE, SERVER,
                CLIENT, RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY), SALT)));
        next = 0;
    }

    /** The application's request, as it would build it for every exchange. */
    CoapMessage plainRequest(int messageId) {
        return new CoapMessage(CoapMessage.TYPE_CON, code, messageId, token, options, payload);
    }

    @Benchmark
    public ProtectedRequest protect() throws RecSecException {
        mid = (mid + 1) & 0xffff;
        return client.protectRequest(plainRequest(mid), CLIENT, SERVER);
    }

    @Benchmark
    public UnprotectedRequest unprotect() throws RecSecException {
        if (next == ring.length) {
            resetServer();
        }
        Received in = ring[next++];
        CoapMessage outer = new CoapMessage(1, CoapMessage.TYPE_CON, in.code(), in.mid(), token, in.options(),
                in.payload());
        return server.unprotectRequest(outer);
    }

    /** For tests: the server's registry, to check the replay window really moves. */
    InMemorySaRegistry serverRegistry() {
        return serverRegistry;
    }
}
