package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.Test;

/**
 * EAP-KEYS (INS 0x3A) after a TLS handshake against Bouncy Castle: the Session-Id and the USRK the card answers are
 * checked against a key schedule computed here from the PSK and the randoms (BC's HMAC, RFC 5246 §8.1, RFC 5216
 * §2.3, RFC 5295 §3.1.2 written out below); no answer carries the EMSK or the MSK; every refusal is a status word.
 */
class EapKeysTest extends CardTestBase {
    private static final int INS_EAP_KEYS = 0x3A;
    private static final String LABEL = "CoAP Record SA Root Key@recsec.invalid";

    @Test
    void sessionIdAndUsrkMatchTheHostKeySchedule() throws Exception {
        personalise(1);
        assertSw(0x6985, card.send(INS_EAP_KEYS, 0, 0, null));
        handshake();
        assertSw(0x6985, usrk("aps", 64));
        ResponseAPDU sid = card.send(INS_EAP_KEYS, 0, 0, null);
        assertSw(0x9000, sid);
        byte[] s = sid.getData();
        assertEquals(65, s.length);
        assertEquals(13, s[0]);
        byte[] randoms = Arrays.copyOfRange(s, 1, 65);
        byte[] master = HostCrypto.prf(HostCrypto.pskPremaster(PSK), "master secret", randoms, 48);
        byte[] km = HostCrypto.prf(master, "client EAP encryption", randoms, 128);
        byte[] msk = Arrays.copyOf(km, 64);
        byte[] emsk = Arrays.copyOfRange(km, 64, 128);
        assertArrayEquals(s, card.send(INS_EAP_KEYS, 0, 0, null).getData(), "a second call answers the same");
        for (String aps : new String[] {"aps.recsec.test", "", "x".repeat(120)}) {
            for (int len : new int[] {64, 1, 33, 128}) {
                ResponseAPDU r = usrk(aps, len);
                assertSw(0x9000, r);
                byte[] expected = kdf(emsk, LABEL, aps.getBytes(StandardCharsets.UTF_8), len);
                assertArrayEquals(expected, r.getData(), aps + " " + len);
                assertFalse(contains(r.getData(), Arrays.copyOf(emsk, 16)), "the EMSK leaves the card");
                assertFalse(contains(r.getData(), Arrays.copyOf(msk, 16)), "the MSK leaves the card");
            }
        }
        // refusals: status words only, and the keys stay usable
        assertSw(0x6700, usrk("y".repeat(121), 64));
        assertSw(0x6B00, usrk("aps", 0));
        assertSw(0x6B00, usrk("aps", 129));
        assertSw(0x6B00, card.send(INS_EAP_KEYS, 2, 0, null));
        assertSw(0x6B00, card.send(INS_EAP_KEYS, 0, 1, null));
        assertSw(0x6700, card.send(INS_EAP_KEYS, 0, 0, new byte[] {1}));
        assertArrayEquals(kdf(emsk, LABEL, new byte[] {7}, 64),
                card.transmit(new CommandAPDU(0x80, INS_EAP_KEYS, 1, 64, new byte[] {7}, 64)).getData(), "Le 64");
        // RESET forgets them
        assertSw(0x9000, card.reset(TLS));
        assertSw(0x6985, card.send(INS_EAP_KEYS, 0, 0, null));
        assertSw(0x6985, usrk("aps", 64));
    }

    private ResponseAPDU usrk(String aps, int len) {
        byte[] d = aps.getBytes(StandardCharsets.UTF_8);
        return card.transmit(d.length == 0 ? new CommandAPDU(0x80, INS_EAP_KEYS, 1, len, 256)
                : new CommandAPDU(0x80, INS_EAP_KEYS, 1, len, d, 256));
    }

    private void handshake() throws Exception {
        try (BcTlsServer server = BcTlsServer.psk(IDENTITY, PSK, 1);
             Socket sock = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            assertSw(0x9000, card.reset(TLS));
            new TlsStreamBridge(new EapHost(card), sock.getInputStream(), sock.getOutputStream()).handshake();
            assertEquals(5, card.state(), "ESTABLISHED");
        }
    }

    /** RFC 5295 §3.1.2 from the RFC text: T1 = HMAC(K, S ‖ 1), Ti = HMAC(K, T(i-1) ‖ S ‖ i), S = label ‖ 0 ‖ data ‖ len. */
    static byte[] kdf(byte[] key, String label, byte[] data, int len) {
        byte[] s = HostCrypto.concat(label.getBytes(StandardCharsets.US_ASCII), new byte[1], data,
                new byte[] {(byte) (len >> 8), (byte) len});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int i = 1; out.size() < len; i++) {
            t = HostCrypto.hmac(key, t, s, new byte[] {(byte) i});
            out.writeBytes(t);
        }
        return Arrays.copyOf(out.toByteArray(), len);
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
