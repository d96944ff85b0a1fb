package org.recsec.kmp.se.coap;

import java.io.IOException;

/**
 * The card was RESET for TLS mode (TLS records, applet/README.md) and its records were about to be carried by the
 * CoAP flight transport, which carries DTLS 1.2 records only. Nothing was sent.
 *
 * <p>Why TLS mode is refused over CoAP (issue 14: "TLS records over CoAP are a stream: say what you do"): TLS
 * records (RFC 5246 §6.2) carry no epoch or sequence number and a TLS handshake has no retransmission, no
 * message_seq and no fragment offsets; its MAC/nonce sequence is implicit in the order of a reliable byte stream.
 * Each CoAP exchange is a separate message that a proxy may drop, repeat or (across exchanges) reorder, and the
 * flight resource's server side is a DTLS stack. Carrying the stream would need its own ordering and
 * acknowledgement layer on top of CoAP (in effect CoAP over TCP, RFC 8323, end to end, which a CoAP-over-UDP
 * forward proxy does not forward), so the bridge refuses before the first message instead of failing later with a
 * malformed-flight error. A client that must reach its server through a CoAP proxy uses a DTLS mode (PSK or
 * certificate, with resumption): the same keys, the same card.
 */
public final class TlsOverCoapException extends IOException {
    private static final long serialVersionUID = 1L;

    public TlsOverCoapException() {
        super("TLS mode is not carried over CoAP (a TLS record stream has no sequence numbers to survive a CoAP "
                + "proxy); RESET the card for a DTLS mode");
    }
}
