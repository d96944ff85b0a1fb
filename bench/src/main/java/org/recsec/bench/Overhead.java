package org.recsec.bench;

import org.recsec.record.internal.wire.Bytes;

import java.io.PrintStream;
import java.util.Arrays;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.ObjectSecurityLayer;
import org.eclipse.californium.oscore.OscoreOptionDecoder;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;

/**
 * Bytes a protection adds to a CoAP message on the wire, record-sec dtls12 (suite c0a8, a two-byte SPI, the shortest outside the reserved 0..255) next to
 * OSCORE (cf-oscore, AES-CCM-16-64-128, one-byte kid), measured on real protected messages: each plain and each
 * protected message is serialized (record-sec with its {@link CoapCodec}, OSCORE with Californium's
 * {@link UdpDataSerializer}) and the plain size is subtracted. The plain sizes from both codecs must agree, or the
 * program stops: both stacks must start from the same bytes.
 *
 * <p>Requests are the first ones of a fresh context (OSCORE Partial IV of one byte; it grows to 2..5 bytes with
 * the sequence number, record-sec's 8-byte explicit nonce does not). The response is a 2.05 answered to that
 * request, OSCORE without a Partial IV of its own (RFC 8613 §8.3 default).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar org.recsec.bench.Overhead}; prints a Markdown table.
 */
public final class Overhead {
    private static final UdpDataSerializer SERIALIZER = new UdpDataSerializer();

    private Overhead() {
    }

    /** One row: the plain size and both protected sizes. */
    record Row(String message, int plainBytes, int recsecBytes, int oscoreBytes, int compactBytes,
               int compact8Bytes, int cidBytes) {
        int cidOverhead() {
            return cidBytes - plainBytes;
        }

        int compactOverhead() {
            return compactBytes - plainBytes;
        }

        int compact8Overhead() {
            return compact8Bytes - plainBytes;
        }

        int recsecOverhead() {
            return recsecBytes - plainBytes;
        }

        int oscoreOverhead() {
            return oscoreBytes - plainBytes;
        }
    }

    public static void main(String[] args) throws Exception {
        print(rows(), System.out);
    }

    static Row[] rows() throws Exception {
        Messages.Kind[] kinds = Messages.Kind.values();
        Row[] rows = new Row[kinds.length + 1];
        for (int i = 0; i < kinds.length; i++) {
            rows[i] = request(kinds[i], 0x100 + i);
        }
        rows[kinds.length] = response(0x200);
        return rows;
    }

    static Row request(Messages.Kind kind, int mid) throws Exception {
        CoapMessage plain = Messages.recsecRequest(kind, mid);
        int plainBytes = CoapCodec.encode(plain).length;
        checkSamePlain(CoapCodec.encode(plain), serialize(oscoreRequest(kind, mid, false)), kind.name());

        int recsec = protectedRequestBytes(plain, "dtls12");

        HashMapCtxDB clientDb = OscoreBench.newClientDb();
        int oscore = serialize(ObjectSecurityLayer.prepareSend(clientDb, oscoreRequest(kind, mid, true))).length;
        return new Row(kind.name() + " request", plainBytes, recsec, oscore,
                protectedRequestBytes(plain, "compact"), protectedRequestBytes(plain, "compact8"),
                protectedRequestBytes(plain, "dtls12-cid"));
    }

    private static int protectedRequestBytes(CoapMessage plain, String profile) throws Exception {
        RecordProtector client = new RecordProtector(RecordSecBench.clientRegistry(profile));
        return CoapCodec.encode(client.protectRequest(plain, LocalId.of(RecordSecBench.CLIENT),
                PeerId.of(RecordSecBench.SERVER)).outer()).length;
    }

    /** The protected 2.05 answering a GET of {@code profile}, checked to open at the client. */
    private static int protectedResponseBytes(CoapMessage plain, int mid, String profile) throws Exception {
        RecordProtector client = new RecordProtector(RecordSecBench.clientRegistry(profile));
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        RecordSecBench.installServerSas(serverSas, profile);
        RecordProtector server = new RecordProtector(serverSas);
        ProtectedRequest sent = client.protectRequest(Messages.recsecRequest(Messages.Kind.GET, mid),
                LocalId.of(RecordSecBench.CLIENT), PeerId.of(RecordSecBench.SERVER));
        UnprotectedRequest received = server.unprotectRequest(sent.outer());
        CoapMessage protectedResponse = server.protectResponse(plain, received.context());
        // The client must accept it, or the size would be of a response nobody can use.
        client.unprotectResponse(protectedResponse, sent);
        return CoapCodec.encode(protectedResponse).length;
    }

    /** A 2.05 answering a GET: each stack first receives the GET, then protects the response to it. */
    static Row response(int mid) throws Exception {
        CoapMessage plain = Messages.recsecResponse(mid);
        int plainBytes = CoapCodec.encode(plain).length;
        checkSamePlain(CoapCodec.encode(plain), serialize(oscoreResponse(mid)), "2.05 response");

        int recsec = protectedResponseBytes(plain, mid, "dtls12");

        HashMapCtxDB clientDb = OscoreBench.newClientDb();
        Request outer = ObjectSecurityLayer.prepareSend(clientDb, oscoreRequest(Messages.Kind.GET, mid, true));
        byte[] oscoreOption = outer.getOptions().getOscore();
        HashMapCtxDB serverDb = new HashMapCtxDB();
        serverDb.addContext(OscoreBench.serverContext());
        OscoreOptionDecoder decoder = new OscoreOptionDecoder(oscoreOption);
        OSCoreCtx ctx = serverDb.getContext(decoder.getKid(), decoder.getIdContext());
        ObjectSecurityLayer.prepareReceive(serverDb, outer, ctx);
        Response response = ObjectSecurityLayer.prepareSend(serverDb, oscoreResponse(mid), ctx, false, false,
                decoder.getSequenceNumber());
        int oscore = serialize(response).length;
        return new Row("2.05 response", plainBytes, recsec, oscore, protectedResponseBytes(plain, mid, "compact"),
                protectedResponseBytes(plain, mid, "compact8"), protectedResponseBytes(plain, mid, "dtls12-cid"));
    }

    static Request oscoreRequest(Messages.Kind kind, int mid, boolean protect) {
        Request r = new Request(Messages.oscoreCode(kind), CoAP.Type.CON);
        r.setMID(mid);
        r.setToken(new Token(Messages.token()));
        r.setOptions(Messages.oscoreOptions(kind, protect));
        r.setPayload(Messages.payload(kind));
        r.setDestinationContext(new org.eclipse.californium.elements.AddressEndpointContext(
                java.net.InetAddress.getLoopbackAddress(), 5683));
        return r;
    }

    static Response oscoreResponse(int mid) {
        Response r = new Response(CoAP.ResponseCode.CONTENT);
        r.setType(CoAP.Type.ACK);
        r.setMID(mid);
        r.setToken(new Token(Messages.token()));
        r.getOptions().setContentFormat(Messages.CF_TEXT_PLAIN);
        r.setPayload(Messages.RESPONSE_PAYLOAD.clone());
        return r;
    }

    static byte[] serialize(Message m) {
        return SERIALIZER.getByteArray(m);
    }

    private static void checkSamePlain(byte[] ours, byte[] californium, String what) {
        if (!Arrays.equals(ours, californium)) {
            throw new IllegalStateException("plain " + what + " differs between CoapCodec and Californium");
        }
    }

    static void print(Row[] rows, PrintStream out) {
        out.println("| message | plain bytes | record-sec dtls12 (c0a8) | record-sec dtls12-cid (c0a8) "
                + "| record-sec compact (1305, 16-bit seq) | record-sec compact (1305, 8-bit seq) "
                + "| OSCORE (AES-CCM-16-64-128) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            out.printf("| %s | %d | +%d (%d) | +%d (%d) | +%d (%d) | +%d (%d) | +%d (%d) |%n", r.message(),
                    r.plainBytes(), r.recsecOverhead(), r.recsecBytes(), r.cidOverhead(), r.cidBytes(),
                    r.compactOverhead(), r.compactBytes(), r.compact8Overhead(), r.compact8Bytes(),
                    r.oscoreOverhead(), r.oscoreBytes());
        }
    }
}
