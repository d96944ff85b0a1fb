package org.recsec.kmp.ticket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

class TicketKeysTest {
    private static final SecretBytes CNF = SecretBytes.copyOf(Bytes.fromHex("000102030405060708090a0b0c0d0e0f"));
    private static final byte[] N1 = Bytes.fromHex("1111111111111111");
    private static final byte[] N2 = Bytes.fromHex("2222222222222222");

    /** The info array written out by hand from the TicketKeys documentation, not with our CBOR writer. */
    static byte[] handInfo(String label, CipherSuite suite, long spi, int n1Length) {
        return handInfo(label, suite, spi, suite.keySizeBytes() + suite.ivSizeBytes(), n1Length);
    }

    /** As above with the expanded length {@code okmLength} (32 for a compact traffic secret). */
    static byte[] handInfo(String label, CipherSuite suite, long spi, int okmLength, int n1Length) {
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x85); // array(5)
        out.write(0x60 | labelBytes.length); // text(10) or text(17), both below 24
        out.writeBytes(labelBytes);
        out.write(0x19); // uint16 suite code point (all suites are >= 0x00a8 > 23; 0x00a8 fits one byte)
        if (suite.code() <= 0xff) {
            out.reset();
            throw new IllegalArgumentException("use a suite whose code point needs two bytes");
        }
        out.write(suite.code() >> 8);
        out.write(suite.code() & 0xff);
        out.write(0x1a); // uint32 spi, only for spi >= 0x10000
        if (spi < 0x10000) {
            throw new IllegalArgumentException("use an SPI that needs four bytes");
        }
        out.writeBytes(new byte[] {(byte) (spi >> 24), (byte) (spi >> 16), (byte) (spi >> 8), (byte) spi});
        if (okmLength >= 24) {
            out.write(0x18); // uint8 follows
        }
        out.write(okmLength);
        out.write(n1Length); // < 24
        return out.toByteArray();
    }

    static byte[] bcHkdf(byte[] ikm, byte[] salt, byte[] info, int len) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[len];
        g.generateBytes(out, 0, len);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void matchesBouncyCastleWithHandWrittenInfo() throws Exception {
        for (CipherSuite suite : new CipherSuite[] {CipherSuite.AES_128_CCM_8, CipherSuite.CHACHA20_POLY1305}) {
            long clientSpi = 0x0a0b0c0dL;
            long serverSpi = 0xfedcba98L;
            TicketKeys.SaPairKeys k = TicketKeys.derive(CNF, N1, N2, suite, clientSpi, serverSpi);
            int kl = suite.keySizeBytes();
            int l = kl + suite.ivSizeBytes();
            byte[] c2s = bcHkdf(CNF.toByteArray(), concat(N1, N2), handInfo("recsec c2s", suite, serverSpi, 8), l);
            byte[] s2c = bcHkdf(CNF.toByteArray(), concat(N1, N2), handInfo("recsec s2c", suite, clientSpi, 8), l);
            assertArrayEquals(java.util.Arrays.copyOf(c2s, kl), k.clientToServerKey().toByteArray(), suite.name());
            assertArrayEquals(java.util.Arrays.copyOfRange(c2s, kl, l), k.clientToServerIv().toByteArray());
            assertArrayEquals(java.util.Arrays.copyOf(s2c, kl), k.serverToClientKey().toByteArray());
            assertArrayEquals(java.util.Arrays.copyOfRange(s2c, kl, l), k.serverToClientIv().toByteArray());
            assertEquals(serverSpi, k.clientToServerSpi());
            assertEquals(clientSpi, k.serverToClientSpi());
            assertEquals(suite, k.suite());
            assertFalse(k.toString().contains(Bytes.toHex(k.clientToServerKey().toByteArray())));
        }
    }

    @Test
    void compactTrafficSecretsMatchBouncyCastleWithHandWrittenInfo() throws Exception {
        for (CipherSuite suite : new CipherSuite[] {CipherSuite.AES_128_CCM_8, CipherSuite.CHACHA20_POLY1305}) {
            long clientSpi = 0x0a0b0c0dL;
            long serverSpi = 0xfedcba98L;
            TicketSaParameters compact = new TicketSaParameters(suite, "compact", 0, 0, 0, 0, 64);
            TicketKeys.SaPairKeys k = TicketKeys.derive(CNF, N1, N2, compact, clientSpi, serverSpi);
            assertTrue(k.trafficSecrets());
            assertNull(k.clientToServerIv());
            assertNull(k.serverToClientIv());
            byte[] c2s = bcHkdf(CNF.toByteArray(), concat(N1, N2),
                    handInfo("recsec c2s secret", suite, serverSpi, 32, 8), 32);
            byte[] s2c = bcHkdf(CNF.toByteArray(), concat(N1, N2),
                    handInfo("recsec s2c secret", suite, clientSpi, 32, 8), 32);
            assertArrayEquals(c2s, k.clientToServerKey().toByteArray(), suite.name());
            assertArrayEquals(s2c, k.serverToClientKey().toByteArray(), suite.name());
            // dtls12-cid is keyed like dtls12; the compact secrets share no bytes with those keys
            TicketKeys.SaPairKeys cid = TicketKeys.derive(CNF, N1, N2,
                    new TicketSaParameters(suite, "dtls12-cid", 0, 0, 0, 0, 64), clientSpi, serverSpi);
            TicketKeys.SaPairKeys dtls12 = TicketKeys.derive(CNF, N1, N2, suite, clientSpi, serverSpi);
            assertFalse(cid.trafficSecrets());
            assertTrue(cid.clientToServerKey().equalsSecret(dtls12.clientToServerKey()));
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(c2s, suite.keySizeBytes()),
                    dtls12.clientToServerKey().toByteArray()));
        }
    }

    @Test
    void nonceSplitIsBoundIntoInfo() throws Exception {
        byte[] n1 = Bytes.fromHex("111111111111111122"); // 9 bytes
        byte[] n2 = Bytes.fromHex("2222222222222222"); // 8 bytes
        byte[] n1b = Bytes.fromHex("1111111111111111"); // 8 bytes
        byte[] n2b = Bytes.fromHex("222222222222222222"); // 9 bytes
        assertArrayEquals(concat(n1, n2), concat(n1b, n2b)); // same salt N1 ‖ N2, different split
        TicketKeys.SaPairKeys a = TicketKeys.derive(CNF, n1, n2, CipherSuite.AES_128_CCM_8, 1, 2);
        TicketKeys.SaPairKeys b = TicketKeys.derive(CNF, n1b, n2b, CipherSuite.AES_128_CCM_8, 1, 2);
        assertFalse(a.clientToServerKey().equalsSecret(b.clientToServerKey()));
        assertFalse(a.serverToClientKey().equalsSecret(b.serverToClientKey()));
    }

    @Test
    void badNoncesAndSpisAreRefused() {
        for (int len : new int[] {0, 7, 65}) {
            byte[] n = new byte[len];
            assertEquals(TicketException.Reason.BAD_NONCE, assertThrows(TicketException.class,
                    () -> TicketKeys.derive(CNF, n, N2, CipherSuite.AES_128_CCM_8, 1, 2)).reason());
            assertEquals(TicketException.Reason.BAD_NONCE, assertThrows(TicketException.class,
                    () -> TicketKeys.derive(CNF, N1, n, CipherSuite.AES_128_CCM_8, 1, 2)).reason());
        }
        assertThrows(IllegalArgumentException.class,
                () -> TicketKeys.derive(CNF, N1, N2, CipherSuite.AES_128_CCM_8, -1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> TicketKeys.derive(CNF, N1, N2, CipherSuite.AES_128_CCM_8, 1, 0x100000000L));
    }

    @Property(tries = 100)
    void directionsAndSpisSeparateKeys(@ForAll @Size(min = 8, max = 64) byte[] n1,
                                       @ForAll @Size(min = 8, max = 64) byte[] n2,
                                       @ForAll @LongRange(max = 0xffffffffL) long spiA,
                                       @ForAll @LongRange(max = 0xffffffffL) long spiB) throws Exception {
        for (CipherSuite suite : CipherSuite.values()) {
            TicketKeys.SaPairKeys k = TicketKeys.derive(CNF, n1, n2, suite, spiA, spiB);
            assertEquals(suite.keySizeBytes(), k.clientToServerKey().length());
            assertEquals(suite.ivSizeBytes(), k.serverToClientIv().length());
            assertFalse(k.clientToServerKey().equalsSecret(k.serverToClientKey()));
            // swapping the roles of the SPIs swaps nothing: direction labels keep the keys apart
            TicketKeys.SaPairKeys swapped = TicketKeys.derive(CNF, n1, n2, suite, spiB, spiA);
            assertFalse(k.clientToServerKey().equalsSecret(swapped.serverToClientKey()));
        }
    }
}
