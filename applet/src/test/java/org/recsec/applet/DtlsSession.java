package org.recsec.applet;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.bouncycastle.tls.DTLSTransport;

/** A card and a Bouncy Castle DTLS server after a completed handshake, with the bridge between them. */
final class DtlsSession implements AutoCloseable {

    final BcDtlsServer server;
    final EapHost eap;
    final TestBridge bridge;
    final DTLSTransport transport;

    private DtlsSession(BcDtlsServer server, EapHost eap, TestBridge bridge, DTLSTransport transport) {
        this.server = server;
        this.eap = eap;
        this.bridge = bridge;
        this.transport = transport;
    }

    static DtlsSession open(SimulatedCard card, byte[] identity, byte[] psk, boolean cookie, byte[] hint)
            throws Exception {
        return open(new EapHost(card), identity, psk, cookie, hint, UnaryOperator.identity());
    }

    static DtlsSession open(EapHost eap, byte[] identity, byte[] psk, boolean cookie, byte[] hint,
            UnaryOperator<byte[]> toCard) throws Exception {
        BcDtlsServer server = new BcDtlsServer(identity, psk, hint, cookie);
        try {
            TestBridge bridge = new TestBridge(eap, server.clientEnd, toCard);
            bridge.handshake();
            return new DtlsSession(server, eap, bridge, server.transport());
        } catch (Throwable e) {
            server.close();
            throw e;
        }
    }

    /** Card seals; the server's DTLSTransport receives; returns what it received. */
    byte[] cardToServer(byte[] plaintext) throws Exception {
        byte[] rec = eap.exchange(0x97, plaintext);
        server.clientEnd.send(rec);
        byte[] buf = new byte[4096];
        int n = transport.receive(buf, 0, buf.length, 5000);
        if (n < 0) {
            throw new AssertionError("the server did not deliver the card's record");
        }
        return Arrays.copyOf(buf, n);
    }

    /** The server sends; returns the datagram (one record) the bridge would hand to the card. */
    byte[] serverRecord(byte[] plaintext) throws Exception {
        transport.send(plaintext, 0, plaintext.length);
        byte[] d = server.clientEnd.receive(5000);
        if (d == null) {
            throw new AssertionError("no record from the server");
        }
        return d;
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
