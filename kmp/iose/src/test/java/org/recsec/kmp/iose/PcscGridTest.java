package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.Test;
import org.recsec.testsupport.VirtualReader;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.CardLink;
import org.recsec.se.host.VpcdClient;

/**
 * The grid over a PC/SC reader (the SE issue's path): an IoSE card (jcardsim, personalised by its issuer) is
 * served to pcscd's vsmartcard-vpcd reader by se-host's {@link VpcdClient}; {@code recsec iose grid --reader}
 * reaches it through the JDK's PC/SC provider, learns its SEN over the reader and routes OpenSSL's and Bouncy
 * Castle's TLS 1.3 sessions to it, beside a simulated SE. Skipped loudly only outside CI when pcscd + vpcd are not
 * running (.ci/run installs and starts them; in CI their absence fails).
 */
class PcscGridTest {
    private static final String READER = VirtualReader.NAME;

    @Test
    void gridRoutesToTheCardInAPcscReader() throws Exception {
        try (VirtualReader.Claim reader = VirtualReader.claim(VpcdClient.DEFAULT_PORT)) {
            routesThroughTheReader(reader);
        }
    }

    private void routesThroughTheReader(VirtualReader.Claim reader) throws Exception {

        IoseCard issued = TestSes.card("pcsc-keystore");
        byte[] aid = SimulatedSes.aid(issued.link()).orElseThrow();
        try (VpcdClient client = VpcdClient.connect(new SimulatedCardLink(issued.link()),
                new InetSocketAddress("127.0.0.1", VpcdClient.DEFAULT_PORT))) {
            Thread served = new Thread(() -> {
                try {
                    client.serve();
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }, "vpcd-client");
            served.setDaemon(true);
            served.start();
            reader.awaitCard();
            assertEquals(java.util.Optional.of("pcsc-keystore"), org.recsec.se.host.Atr.parse(client.atr()).sen(),
                    "the virtual card's ATR carries its SEN (read from the card with READ-SEN)");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            IoseCli cli = new IoseCli(InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err, new SecureRandom(), Clock.systemUTC());
            String psk = HexFormat.of().formatHex(TestSes.PSK);
            IoseCard inReader;
            try (IoseGrid grid = cli.startGrid(new String[] {"--port", "0", "--se", "pcsc-sim:" + TestSes.IDENTITY
                    + ":" + psk, "--reader", READER, "--aid", HexFormat.of().formatHex(aid)})) {
                assertEquals(java.util.Set.of("pcsc-keystore", "pcsc-sim"), grid.names(),
                        "the reader's SEN is read from the card through PC/SC");
                inReader = grid.card("pcsc-keystore");
                assertEquals(java.util.Optional.of("pcsc-keystore"), inReader.atrSen(),
                        "the grid reads the SEN from the PC/SC ATR (Card.getATR) too, and READ-SEN agreed");
                int port = Integer.parseInt(out.toString(StandardCharsets.UTF_8)
                        .replaceAll("(?s).*127\\.0\\.0\\.1:(\\d+).*", "$1"));

                long before = client.commands();
                byte[] data = "through pcscd".getBytes(StandardCharsets.US_ASCII);
                try (OpenSslClient c = new OpenSslClient(port, "pcsc-keystore", TestSes.IDENTITY, TestSes.PSK, null)) {
                    c.send("p00");
                    c.send("s00" + HexFormat.of().formatHex(data));
                    List<String> got = c.await(2);
                    assertEquals(2, got.size(), "answers: " + got + "\nstderr: " + c.stderr());
                    assertTrue(verifies(got.get(0), data, got.get(1)), "OpenSSL: the card's signature verifies");
                }
                long afterOpenSsl = client.commands();
                assertTrue(afterOpenSsl - before > 5, "the session went through vpcd: " + (afterOpenSsl - before));

                try (IoseClient c = IoseClient.connect("127.0.0.1", port, "pcsc-keystore",
                        TestSes.IDENTITY.getBytes(StandardCharsets.US_ASCII), TestSes.PSK, "shell", new SecureRandom(),
                        Duration.ofSeconds(30))) {
                    assertTrue(verifies(c.call("p00"), data, c.call("s00" + HexFormat.of().formatHex(data))),
                            "Bouncy Castle: the card's signature verifies");
                }
                assertTrue(client.commands() > afterOpenSsl, "BC's session went through vpcd too");
                System.out.println("PcscGridTest: APDUs through pcscd/vpcd: OpenSSL session (p00, s00) "
                        + (afterOpenSsl - before) + ", BC session " + (client.commands() - afterOpenSsl));

                // the simulated SE beside it is untouched by the reader: its APDUs do not cross vpcd (once the grid
                // has finished with the BC session: close_notify and the RESET after it)
                for (int i = 0; i < 3000 && grid.inSession("pcsc-keystore"); i++) {
                    Thread.sleep(10);
                }
                long beforeSim = client.commands();
                try (IoseClient c = IoseClient.connect("127.0.0.1", port, "pcsc-sim",
                        TestSes.IDENTITY.getBytes(StandardCharsets.US_ASCII), TestSes.PSK, "shell", new SecureRandom(),
                        Duration.ofSeconds(30))) {
                    assertEquals(588, c.call("p00").length());
                }
                assertEquals(beforeSim, client.commands());
            }
            // close() released the PC/SC connection (Card.disconnect): the grid's link to the reader is dead, and
            // the reader takes a new connection
            long afterClose = client.commands();
            assertThrows(IOException.class, inReader::readSen, "the grid's PC/SC connection is closed");
            assertEquals(afterClose, client.commands(), "nothing reached the card over the closed connection");
            IoseCard again = PcscReaders.open(READER, aid);
            try {
                assertEquals("pcsc-keystore", again.readSen());
            } finally {
                again.link().close();
            }
            client.close();
            served.join(10_000);
        }
    }

    private static boolean verifies(String publicKeyHex, byte[] data, String signatureHex) throws Exception {
        PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                new X509EncodedKeySpec(HexFormat.of().parseHex(publicKeyHex)));
        Signature v = Signature.getInstance("SHA256withRSA");
        v.initVerify(k);
        v.update(data);
        return v.verify(HexFormat.of().parseHex(signatureHex));
    }

    /** The card side of vpcd: the simulated IoSE instance as a {@link CardLink}. */
    private static final class SimulatedCardLink implements CardLink {
        private final SeLink link;
        private final ApduCounter counter = new ApduCounter();

        SimulatedCardLink(SeLink link) {
            this.link = link;
        }

        @Override
        public ResponseAPDU transmit(CommandAPDU command) throws CardException {
            try {
                byte[] r = link.transmit(command.getBytes());
                counter.count(command.getBytes().length, r.length);
                return new ResponseAPDU(r);
            } catch (IOException e) {
                throw new CardException(e.getMessage(), e);
            }
        }

        @Override
        public ApduCounter counter() {
            return counter;
        }

        @Override
        public String describe() {
            return link.describe() + " behind vpcd";
        }

        @Override
        public void close() {
        }
    }
}
