package org.recsec.applet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.recsec.testsupport.OpenSslServer;

/**
 * The card as TLS 1.2 client against OpenSSL 3's {@code s_server -tls1_2} over loopback TCP: PSK
 * ({@code -psk -cipher PSK-AES128-CCM8}) and certificate mode ({@code -cert -key -verifyCAfile -Verify 1 -cipher
 * DHE-RSA-AES128-CCM8 -dhparam} ffdhe2048; {@code -verifyCAfile} rather than {@code -CAfile}, because with
 * {@code -CAfile} OpenSSL also sends the CA certificate and the Certificate message no longer fits the card's
 * 1088-byte buffer), one full and two resumed handshakes each (s_server prints "Reused
 * session-id"), text each way after every handshake.
 */
class OpenSslTlsTest extends OpenSslPeerTestBase<Socket> {

    @Override
    Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    CardBridge bridge(Socket sock) throws IOException {
        return new TlsStreamBridge(new EapHost(card), sock.getInputStream(), sock.getOutputStream());
    }

    @Test
    void pskFullThenResumed() throws Exception {
        personalise(1);
        try (OpenSslServer s = server(pskOptions("-tls1_2", 3))) {
            run(s, TLS, false, 3);
        }
    }

    @Test
    void certificateFullThenResumed() throws Exception {
        try (OpenSslServer s = server(certificateOptions("-tls1_2", 3))) {
            run(s, TLS | CERT, true, 3);
        }
    }
}
