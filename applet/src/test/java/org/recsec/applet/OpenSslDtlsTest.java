package org.recsec.applet;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.testsupport.OpenSslServer;

/**
 * The card as DTLS 1.2 client against OpenSSL 3's {@code s_server -dtls1_2} over loopback UDP: PSK and certificate
 * mode (DHE_RSA, {@code -Verify 1}), one full and two resumed handshakes each ("Reused session-id"), text each way.
 */
class OpenSslDtlsTest extends OpenSslPeerTestBase<UdpLink> {

    @Override
    UdpLink connect(int port) throws IOException {
        return new UdpLink(port);
    }

    @Override
    CardBridge bridge(UdpLink link) {
        return new DtlsBridge(new EapHost(card), link);
    }

    @Test
    void pskFullThenResumed() throws Exception {
        personalise(1);
        try (OpenSslServer s = server(pskOptions("-dtls1_2", 3))) {
            run(s, 0, false, 3);
        }
    }

    @Test
    void certificateFullThenResumed() throws Exception {
        certificate(false);
    }

    /**
     * With -listen, s_server answers the ClientHello with a HelloVerifyRequest. One handshake only: s_server makes
     * a new socket (on a new ephemeral port, as it was started with port 0) for each -listen connection.
     */
    @Test
    void certificateWithCookie() throws Exception {
        certificate(true);
    }

    private void certificate(boolean listen) throws Exception {
        List<String> args = certificateOptions("-dtls1_2", listen ? 1 : 3);
        if (listen) {
            args.add("-listen");
        }
        try (OpenSslServer s = server(args)) {
            run(s, CERT, true, listen ? 1 : 3);
        }
    }
}
