package org.recsec.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * record-sec protecting and unprotecting the requests of {@link Messages} with the {@code profile} parameter's record
 * profile: dtls12 or dtls12-cid with suite c0a8 (TLS_PSK_WITH_AES_128_CCM_8) or compact with suite 1305 (TLS_AES_128_CCM_8_SHA256,
 * 16-bit sequence numbers), keyed by {@link ManualSa}s in {@link InMemorySaRegistry}s. The peer of
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
 *
 * <p>Each fork runs with a fixed, pre-touched 1 GB heap ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch}, the same for
 * {@link OscoreBench}): with G1's default sizing the heap grew in steps during the measurement, at times that
 * depend on the machine's load, and every first touch of the new eden pages was a page fault that costs about 7 us
 * on the bench machine (a 1 GB pre-touch takes 1.8 s), so an iteration that met a heap expansion ran at 0.1-0.8M
 * instead of 2.9M ops/s (bench/README.md, "Issue 19 item 4"). A run that passes its own {@code -jvmArgsAppend}
 * replaces these flags and must repeat them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
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
    /** Compact profile: the traffic secrets of the two directions (made up). */
    static final byte[] SECRET_TO_SERVER = new byte[32];
    static final byte[] SECRET_TO_CLIENT = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            SECRET_TO_SERVER[i] = (byte) (0x30 + i);
            SECRET_TO_CLIENT[i] = (byte) (0x70 + i);
        }
    }

    @Param({"GET", "POST64", "POST1024"})
    public String message;

    /**
     * {@code dtls12} (suite c0a8), {@code dtls12-cid} (RFC 9146 records, suite c0a8) or {@code compact} (suite 1305,
     * 16-bit sequence numbers).
     */
    @Param({"dtls12", "dtls12-cid", "compact"})
    public String profile = "dtls12";

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
        client = new RecordProtector(clientRegistry(profile));

        // A separate client produces the unprotect ring, sequence numbers 1 .. RING.
        RecordProtector ringClient = new RecordProtector(clientRegistry(profile));
        ring = new Received[RING];
        for (int i = 0; i < RING; i++) {
            CoapMessage outer = ringClient.protectRequest(plainRequest(i), LocalId.of(CLIENT), PeerId.of(SERVER)).outer();
            ring[i] = new Received(outer.code(), outer.messageId(), outer.options(), outer.payload());
        }
        serverRegistry = new InMemorySaRegistry();
        server = new RecordProtector(serverRegistry);
        resetServer();
    }

    /** The client's SAs with the dtls12 profile. */
    static InMemorySaRegistry clientRegistry() {
        return clientRegistry("dtls12");
    }

    /** dtls12 or dtls12-cid: the {@link RecordProfile} of a key-and-IV profile name. */
    static RecordProfile keyedProfile(String profile) {
        return profile.equals("dtls12-cid") ? RecordProfile.DTLS12_CID : RecordProfile.DTLS12;
    }

    /**
     * The client's SAs of {@code profile} ("dtls12", "dtls12-cid", "compact", "compact8" = compact with 8-bit
     * seq).
     */
    static InMemorySaRegistry clientRegistry(String profile) {
        InMemorySaRegistry r = new InMemorySaRegistry();
        if (profile.startsWith("compact")) {
            int w = profile.equals("compact8") ? 1 : 2;
            r.install(ManualSa.outbound(SUITE).profile(RecordProfile.COMPACT).sequenceBytes(w).spi(SPI_TO_SERVER)
                    .epoch(3).firstSequence(1).route(LocalId.of(CLIENT), PeerId.of(SERVER))
                    .secret(SecretBytes.copyOf(SECRET_TO_SERVER)).build());
            r.install(ManualSa.inbound(SUITE).profile(RecordProfile.COMPACT).sequenceBytes(w).spi(SPI_TO_CLIENT)
                    .epoch(3).route(LocalId.of(CLIENT), PeerId.of(SERVER))
                    .secret(SecretBytes.copyOf(SECRET_TO_CLIENT)).build());
            return r;
        }
        r.install(ManualSa.outbound(SUITE).profile(keyedProfile(profile)).spi(SPI_TO_SERVER).epoch(EPOCH)
                .firstSequence(1).route(LocalId.of(CLIENT), PeerId.of(SERVER)).key(SecretBytes.copyOf(KEY)).iv(SALT)
                .build());
        r.install(ManualSa.inbound(SUITE).profile(keyedProfile(profile)).spi(SPI_TO_CLIENT).epoch(EPOCH).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of(CLIENT), PeerId.of(SERVER)).key(SecretBytes.copyOf(KEY_TO_CLIENT)).iv(SALT_TO_CLIENT).build());
        return r;
    }

    /** The server's SAs with the dtls12 profile. */
    static void installServerSas(InMemorySaRegistry r) {
        installServerSas(r, "dtls12");
    }

    /** The server's SAs of {@code profile}: inbound from the client, outbound for responses. */
    static void installServerSas(InMemorySaRegistry r, String profile) {
        if (profile.startsWith("compact")) {
            r.install(serverInbound(profile));
            r.install(ManualSa.outbound(SUITE).profile(RecordProfile.COMPACT)
                    .sequenceBytes(profile.equals("compact8") ? 1 : 2).spi(SPI_TO_CLIENT).epoch(3).firstSequence(1)
                    .route(LocalId.of(SERVER), PeerId.of(CLIENT)).secret(SecretBytes.copyOf(SECRET_TO_CLIENT))
                    .build());
            return;
        }
        r.install(serverInbound(profile));
        r.install(ManualSa.outbound(SUITE).profile(keyedProfile(profile)).spi(SPI_TO_CLIENT).epoch(EPOCH)
                .firstSequence(1)
                .route(LocalId.of(SERVER), PeerId.of(CLIENT)).key(SecretBytes.copyOf(KEY_TO_CLIENT)).iv(SALT_TO_CLIENT).build());
    }

    private void resetServer() {
        serverRegistry.install(serverInbound(profile));
        next = 0;
    }

    private static ManualSa.Inbound serverInbound(String profile) {
        if (profile.startsWith("compact")) {
            return ManualSa.inbound(SUITE).profile(RecordProfile.COMPACT)
                    .sequenceBytes(profile.equals("compact8") ? 1 : 2).spi(SPI_TO_SERVER).epoch(3)
                    .replayWindow(ReplayWindow.DEFAULT_SIZE).route(LocalId.of(SERVER), PeerId.of(CLIENT))
                    .secret(SecretBytes.copyOf(SECRET_TO_SERVER)).build();
        }
        return ManualSa.inbound(SUITE).profile(keyedProfile(profile)).spi(SPI_TO_SERVER).epoch(EPOCH)
                .replayWindow(ReplayWindow.DEFAULT_SIZE).route(LocalId.of(SERVER), PeerId.of(CLIENT))
                .key(SecretBytes.copyOf(KEY)).iv(SALT).build();
    }

    /** The application's request, as it would build it for every exchange. */
    CoapMessage plainRequest(int messageId) {
        return new CoapMessage(CoapMessage.TYPE_CON, code, messageId, token, options, payload);
    }

    @Benchmark
    public ProtectedRequest protect() throws RecSecException {
        mid = (mid + 1) & 0xffff;
        return client.protectRequest(plainRequest(mid), LocalId.of(CLIENT), PeerId.of(SERVER));
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
