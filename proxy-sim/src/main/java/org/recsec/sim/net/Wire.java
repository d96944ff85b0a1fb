package org.recsec.sim.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.internal.wire.Bytes;

/** Small CoAP helpers the simulated endpoints share. */
final class Wire {
    static final int CODE_GET = 0x01;
    static final int CODE_POST = 0x02;
    static final int CODE_FETCH = 0x05;
    static final int CODE_BAD_REQUEST = 0x80;
    static final int CODE_BAD_GATEWAY = 0xa2;
    static final int CODE_GATEWAY_TIMEOUT = 0xa4;
    static final int CODE_PROXYING_NOT_SUPPORTED = 0xa5;
    static final int CODE_HOP_LIMIT_REACHED = 0xa8;

    private Wire() {
    }

    /** Decodes a datagram; null if it is not a CoAP message (the caller drops it, as RFC 7252 §4.2 allows). */
    static CoapMessage decodeOrNull(byte[] bytes) {
        try {
            return CoapCodec.decode(bytes, 0, bytes.length);
        } catch (RecSecException e) {
            return null;
        }
    }

    static byte[] emptyMessage(int type, int mid) {
        return CoapCodec.encode(new CoapMessage(type, 0, mid, new byte[0], List.of(), new byte[0]));
    }

    static byte[] randomToken(Random random) {
        byte[] t = new byte[8];
        random.nextBytes(t);
        return t;
    }

    static String hex(byte[] b) {
        return Bytes.toHex(b);
    }

    /** The options of {@code m} without those numbered {@code numbers}. */
    static List<CoapOption> without(List<CoapOption> options, int... numbers) {
        List<CoapOption> out = new ArrayList<>(options.size());
        for (CoapOption o : options) {
            boolean drop = false;
            for (int n : numbers) {
                drop |= o.number() == n;
            }
            if (!drop) {
                out.add(o);
            }
        }
        return out;
    }

    /** Where the payload starts in an encoded message: its length minus the payload's. */
    static int payloadOffset(byte[] encoded, CoapMessage decoded) {
        return encoded.length - decoded.payloadLength();
    }
}
