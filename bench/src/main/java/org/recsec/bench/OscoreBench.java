package org.recsec.bench;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.oscore.CoapOSException;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSException;
import org.eclipse.californium.oscore.ObjectSecurityLayer;
import org.eclipse.californium.oscore.OscoreOptionDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Californium's OSCORE (cf-oscore 3.13.0, RFC 8613) protecting and unprotecting the requests of {@link Messages}:
 * AES-CCM-16-64-128, HKDF-SHA-256, 1-byte sender and recipient IDs, no ID context. The peer of
 * {@link RecordSecBench}; both do the same work per operation, see {@link RecordSecBench} for the rules.
 *
 * <ul>
 *   <li>{@code protect}: the application builds the request (code, MID, token, options with the empty OSCORE
 *       option, payload, destination) and {@code ObjectSecurityLayer.prepareSend} protects it: context lookup by
 *       URI in the {@link HashMapCtxDB}, COSE Encrypt0, option juggling, sender sequence number.</li>
 *   <li>{@code unprotect}: the received outer request is rebuilt from its parts (cf-oscore decrypts in place, so a
 *       request object serves once), then what {@code ObjectSecurityLayer.receiveRequest} does: decode the OSCORE
 *       option, look the context up by kid, {@code prepareReceive} (decrypt, replay check, option merge).</li>
 * </ul>
 *
 * <p>The unprotect ring holds {@value RecordSecBench#RING} requests protected once with consecutive sequence numbers;
 * when it is used up the server context (keys derived again, fresh replay window) and its database are re-created,
 * so every request passes a real replay check. The re-creation (three HKDF derivations) is inside the measured
 * time, amortised over {@value RecordSecBench#RING} operations.
 *
 * <p>Forks run with the fixed, pre-touched heap of {@link RecordSecBench} (see there), so both meet the same JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class OscoreBench {
    static final byte[] MASTER_SECRET = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
    static final byte[] MASTER_SALT = {(byte) 0x9e, 0x7c, (byte) 0xa9, 0x22, 0x23, 0x78, 0x63, 0x40};
    static final byte[] CLIENT_ID = {0x01};
    static final byte[] SERVER_ID = {0x02};
    static final int REPLAY_WINDOW = 32;
    static final int MAX_UNFRAGMENTED = 4096;
    static final String SERVER_URI = "coap://127.0.0.1";

    @Param({"GET", "POST64", "POST1024"})
    public String message;

    private Messages.Kind kind;
    private CoAP.Code code;
    private Token token;
    private OptionSet plainOptions;
    private byte[] payload;
    private final EndpointContext server = new AddressEndpointContext(InetAddress.getLoopbackAddress(), 5683);
    private final EndpointContext client = new AddressEndpointContext(InetAddress.getLoopbackAddress(), 56830);
    private HashMapCtxDB clientDb;
    private int mid;

    private Received[] ring;
    private int next;
    private HashMapCtxDB serverDb;

    /** What the server's parser hands over: the outer request's parts. */
    private record Received(CoAP.Code code, int mid, OptionSet options, byte[] payload) {
    }

    @Setup
    public void setUp() throws OSException {
        kind = Messages.Kind.valueOf(message);
        code = Messages.oscoreCode(kind);
        token = new Token(Messages.token());
        plainOptions = Messages.oscoreOptions(kind, true);
        payload = Messages.payload(kind);
        clientDb = newClientDb();

        // A separate client produces the unprotect ring, sequence numbers 0 .. RING-1.
        HashMapCtxDB ringClient = newClientDb();
        ring = new Received[RecordSecBench.RING];
        for (int i = 0; i < ring.length; i++) {
            Request outer = ObjectSecurityLayer.prepareSend(ringClient, plainRequest(i));
            ring[i] = new Received(outer.getCode(), outer.getMID(), new OptionSet(outer.getOptions()),
                    outer.getPayload());
        }
        resetServer();
    }

    static OSCoreCtx clientContext() throws OSException {
        return new OSCoreCtx(MASTER_SECRET, true, AlgorithmID.AES_CCM_16_64_128, CLIENT_ID, SERVER_ID,
                AlgorithmID.HKDF_HMAC_SHA_256, REPLAY_WINDOW, MASTER_SALT, null, MAX_UNFRAGMENTED);
    }

    static OSCoreCtx serverContext() throws OSException {
        return new OSCoreCtx(MASTER_SECRET, false, AlgorithmID.AES_CCM_16_64_128, SERVER_ID, CLIENT_ID,
                AlgorithmID.HKDF_HMAC_SHA_256, REPLAY_WINDOW, MASTER_SALT, null, MAX_UNFRAGMENTED);
    }

    static HashMapCtxDB newClientDb() throws OSException {
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(SERVER_URI, clientContext());
        return db;
    }

    private void resetServer() throws OSException {
        serverDb = new HashMapCtxDB();
        serverDb.addContext(serverContext());
        next = 0;
    }

    /** The application's request, as it would build it for every exchange. */
    Request plainRequest(int messageId) {
        Request r = new Request(code, CoAP.Type.CON);
        r.setMID(messageId);
        r.setToken(token);
        r.setOptions(plainOptions);
        r.setPayload(payload);
        r.setDestinationContext(server);
        return r;
    }

    @Benchmark
    public Request protect() throws OSException {
        mid = (mid + 1) & 0xffff;
        return ObjectSecurityLayer.prepareSend(clientDb, plainRequest(mid));
    }

    @Benchmark
    public Request unprotect() throws OSException {
        if (next == ring.length) {
            resetServer();
        }
        Received in = ring[next++];
        Request r = new Request(in.code(), CoAP.Type.CON);
        r.setMID(in.mid());
        r.setToken(token);
        r.setOptions(in.options());
        r.setPayload(in.payload());
        r.setSourceContext(client);
        return receive(r);
    }

    /** The request path of {@code ObjectSecurityLayer.receiveRequest}: context by kid, then prepareReceive. */
    private Request receive(Request outer) throws CoapOSException {
        OscoreOptionDecoder decoder = new OscoreOptionDecoder(outer.getOptions().getOscore());
        OSCoreCtx ctx = serverDb.getContext(decoder.getKid(), decoder.getIdContext());
        return ObjectSecurityLayer.prepareReceive(serverDb, outer, ctx);
    }

    /** For tests: the server's database, to check the replay window really moves. */
    HashMapCtxDB serverDb() {
        return serverDb;
    }
}
