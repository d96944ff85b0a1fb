package org.recsec.kmp.se;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;
import org.recsec.se.host.UdpSocketAgent;
import org.recsec.testsupport.OpenSslServer;

/**
 * The card against OpenSSL 3's DTLS 1.2 server ({@code openssl s_server -dtls1_2 -nocert -psk ...}), over UDP
 * loopback: the handshake completes (with and without the HelloVerifyRequest of {@code -listen}), a record the card
 * seals arrives at OpenSSL as the right text (it prints application data on stdout), and a line typed into
 * OpenSSL's stdin comes back to the card as an application record the card opens. s_server binds its own port
 * ({@link OpenSslServer}); a missing openssl fails the test (.ci/run installs it).
 */
@Timeout(60)
class OpenSslInteropTest {

    @ParameterizedTest(name = "listen={0}")
    @ValueSource(booleans = {true, false})
    void cardHandshakesWithOpenSslAndExchangesApplicationData(boolean listen) throws Exception {
        List<String> args = new ArrayList<>(List.of("-dtls1_2", "-nocert", "-psk", Bytes.toHex(SeFixture.PSK),
                "-psk_identity", new String(SeFixture.IDENTITY, StandardCharsets.US_ASCII), "-cipher",
                "PSK-AES128-CCM8", "-naccept", "1"));
        if (listen) {
            args.add("-listen");
        }
        try (OpenSslServer openssl = new OpenSslServer(args, Duration.ofSeconds(10))) {
            SeCard card = JCardSimLink.personalisedCard(0, SeFixture.IDENTITY, SeFixture.PSK, SeFixture.SEN);
            DtlsIso7816Agent agent = new DtlsIso7816Agent(card);
            try (UdpSocketAgent socket = UdpSocketAgent.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    openssl.port()))) {
                SeSession session = SeHandshake.run(agent, socket, new Retransmission(1000, 4));
                assertEquals(SeCard.STATE_ESTABLISHED, agent.state());
                String text = "hello OpenSSL from the card " + listen;
                byte[] record = session.sendApplicationData((text + "\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals(1, Bytes.readUint48Be(record, 5), "first application record after the Finished");
                openssl.await(text); // OpenSSL printed the card's text

                openssl.type("reply from OpenSSL");
                byte[] back = session.receiveApplicationData(10_000).orElse(null);
                assertNotNull(back, "no application record from OpenSSL");
                assertArrayEquals("reply from OpenSSL\n".getBytes(StandardCharsets.US_ASCII), back);
            }
        }
    }
}
