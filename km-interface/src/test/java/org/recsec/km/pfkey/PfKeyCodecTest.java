package org.recsec.km.pfkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/** Strict decoding: every malformed shape gives the documented errno and nothing else. */
class PfKeyCodecTest {
    static final SecretBytes KEY = SecretBytes.copyOf(new byte[16]);
    static final SecretBytes IV = SecretBytes.copyOf(new byte[] {1, 2, 3, 4});

    static byte[] validAdd() {
        return PfKeyRequests.add(SaSpec.withKeys(0x1001, "coap://127.0.0.1:5683", "coap://127.0.0.1:5684",
                CipherSuite.AES_128_CCM_8, KEY, IV), 1, 2).encode();
    }

    static int errno(byte[] b) {
        PfKeyException e = assertThrows(PfKeyException.class, () -> PfKeyMessage.decode(b));
        return e.errno();
    }

    @Test
    void wrongVersionIsEinval() {
        byte[] b = validAdd();
        b[0] = 3;
        assertEquals(PfKey.EINVAL, errno(b));
    }

    @Test
    void lengthFieldNotMatchingIsEmsgsize() {
        byte[] b = validAdd();
        Bytes.writeUint16Be(b, 4, Bytes.readUint16Be(b, 4) + 1);
        assertEquals(PfKey.EMSGSIZE, errno(b));
        assertEquals(PfKey.EMSGSIZE, errno(Arrays.copyOf(b, 15)));
        assertEquals(PfKey.EMSGSIZE, errno(new byte[0]));
    }

    @Test
    void everyTruncationIsRefusedEvenWithTheLengthFieldAdjusted() {
        byte[] b = validAdd();
        for (int n = 0; n < b.length; n++) {
            byte[] t = Arrays.copyOf(b, n);
            assertEquals(PfKey.EMSGSIZE, errno(t), "truncated to " + n);
            if (n >= 16 && n % 8 == 0) {
                Bytes.writeUint16Be(t, 4, n / 8);
                // Cut at an extension boundary: a shorter but well-formed message; inside one: EINVAL (overrun).
                try {
                    PfKeyMessage m = PfKeyMessage.decode(t);
                    assertArrayEquals(t, m.encode());
                } catch (PfKeyException e) {
                    assertEquals(PfKey.EINVAL, e.errno(), "truncated to " + n);
                }
            }
        }
    }

    @Test
    void extensionOverrunZeroLengthZeroTypeRepeatAndOrderAreEinval() throws Exception {
        byte[] b = validAdd();
        int first = 16; // the SA extension
        byte[] overrun = b.clone();
        Bytes.writeUint16Be(overrun, first, 0x1000);
        assertEquals(PfKey.EINVAL, errno(overrun));
        byte[] zeroLen = b.clone();
        Bytes.writeUint16Be(zeroLen, first, 0);
        assertEquals(PfKey.EINVAL, errno(zeroLen));
        byte[] zeroType = b.clone();
        Bytes.writeUint16Be(zeroType, first + 2, 0);
        assertEquals(PfKey.EINVAL, errno(zeroType));
        // SA extension repeated: base + SA + SA.
        byte[] sa = Arrays.copyOfRange(b, 16, 32);
        byte[] twice = new byte[48];
        System.arraycopy(b, 0, twice, 0, 16);
        System.arraycopy(sa, 0, twice, 16, 16);
        System.arraycopy(sa, 0, twice, 32, 16);
        Bytes.writeUint16Be(twice, 4, 6);
        PfKeyException rep = assertThrows(PfKeyException.class, () -> PfKeyMessage.decode(twice));
        assertEquals(PfKey.EINVAL, rep.errno());
        assertTrue(rep.reason().contains("repeated"), rep.reason());
        // A lifetime (type 3) after the SA is fine; before it, out of order.
        PfKeyExtension.Lifetime hard = new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_HARD, 1, 2, 3, 4);
        byte[] lt = new byte[32];
        hard.encodeTo(lt, 0);
        byte[] swapped = new byte[16 + 32 + 16];
        System.arraycopy(b, 0, swapped, 0, 16);
        System.arraycopy(lt, 0, swapped, 16, 32);
        System.arraycopy(sa, 0, swapped, 48, 16);
        Bytes.writeUint16Be(swapped, 4, 8);
        assertEquals(PfKey.EINVAL, errno(swapped));
    }

    @Test
    void unknownExtensionTypesAreSkipped() throws Exception {
        byte[] b = validAdd();
        byte[] withUnknown = Arrays.copyOf(b, b.length + 8);
        Bytes.writeUint16Be(withUnknown, b.length, 1);
        Bytes.writeUint16Be(withUnknown, b.length + 2, 200);
        Bytes.writeUint16Be(withUnknown, 4, withUnknown.length / 8);
        PfKeyMessage m = PfKeyMessage.decode(withUnknown);
        assertFalse(m.has(200));
        assertArrayEquals(b, m.encode());
    }

    @Test
    void zeroKeyBitsIsEinvalAndKeyLengthMustMatchTheSuite() throws Exception {
        byte[] b = validAdd();
        PfKeyMessage m = PfKeyMessage.decode(b);
        int keyOff = 16;
        for (PfKeyExtension e : m.extensions().values()) {
            if (e.type() == PfKey.SADB_EXT_KEY_ENCRYPT) {
                break;
            }
            keyOff += e.encodedBytes();
        }
        byte[] zero = b.clone();
        Bytes.writeUint16Be(zero, keyOff + 4, 0);
        assertEquals(PfKey.EINVAL, errno(zero));
        PfKeyMessage longKey = m.toBuilder()
                .add(new PfKeyExtension.Key(PfKey.SADB_EXT_KEY_ENCRYPT, SecretBytes.copyOf(new byte[32]))).build();
        PfKeyMessage decoded = PfKeyMessage.decode(longKey.encode());
        PfKeyException e = assertThrows(PfKeyException.class, () -> SaSpec.fromMessage(decoded));
        assertEquals(PfKey.EINVAL, e.errno());
        PfKeyMessage noIv = m.toBuilder().remove(PfKey.SADB_X_EXT_RECSEC_IV).build();
        assertEquals(PfKey.EINVAL, assertThrows(PfKeyException.class, () -> SaSpec.fromMessage(noIv)).errno());
    }

    @Test
    void keysNeverInToString() throws Exception {
        byte[] key = new byte[16];
        Arrays.fill(key, (byte) 0x5a);
        PfKeyMessage m = PfKeyRequests.add(SaSpec.withKeys(0x1001, "a", "b", CipherSuite.AES_128_CCM_8,
                SecretBytes.copyOf(key), IV), 0, 0);
        String s = m.toString() + SaSpec.fromMessage(m).toString();
        assertFalse(s.toLowerCase().contains("5a5a"), s);
        assertFalse(s.contains("90, 90"), s);
        assertFalse(m.withoutKeys().has(PfKey.SADB_EXT_KEY_ENCRYPT));
        assertFalse(m.withoutKeys().has(PfKey.SADB_X_EXT_RECSEC_IV));
    }

    @Test
    void ipv6IdentitiesCarryCompressedAddresses() throws Exception {
        assertEquals("2001:db8::1", Endpoints.compressV6(Bytes.fromHex("20010db8000000000000000000000001")));
        assertEquals("::", Endpoints.compressV6(new byte[16]));
        assertEquals("1:0:1::", Endpoints.compressV6(Bytes.fromHex("00010000000100000000000000000000")));
        assertEquals("2001:db8:0:1:1:1:1:1", Endpoints.compressV6(Bytes.fromHex("20010db8000000010001000100010001")));
        PfKeyMessage m = PfKeyRequests.delete(0x1001, "coap://[2001:db8::1]:7", "coap://10.0.0.1", 0, 0);
        PfKeyMessage addrOnly = m.toBuilder().remove(PfKey.SADB_EXT_IDENTITY_SRC)
                .remove(PfKey.SADB_EXT_IDENTITY_DST).build();
        assertEquals("coap://[2001:db8::1]:7", Endpoints.identityOf(addrOnly, true));
        assertEquals("coap://10.0.0.1:5683", Endpoints.identityOf(addrOnly, false));
        assertEquals(PfKey.EINVAL, assertThrows(PfKeyException.class, () -> Endpoints.identityOf(
                addrOnly.toBuilder().remove(PfKey.SADB_EXT_ADDRESS_SRC).build(), true)).errno());
    }

    @Test
    void everySingleBitFlipIsRefusedOrReencodesExactly() {
        byte[] b = validAdd();
        for (int i = 0; i < b.length * 8; i++) {
            byte[] f = b.clone();
            f[i / 8] ^= (byte) (1 << (i % 8));
            try {
                PfKeyMessage m = PfKeyMessage.decode(f);
                byte[] again = m.encode();
                // Only a flip that turns an extension into an unknown type may shorten the message.
                if (!Arrays.equals(f, again)) {
                    assertTrue(again.length < f.length, "bit " + i);
                }
            } catch (PfKeyException e) {
                assertTrue(e.errno() == PfKey.EINVAL || e.errno() == PfKey.EMSGSIZE, "bit " + i);
            }
        }
    }

    @Property(tries = 500)
    void randomBytesOnlyEverGiveErrno(@ForAll @Size(max = 200) byte[] b) {
        try {
            PfKeyMessage m = PfKeyMessage.decode(b);
            assertTrue(m.encode().length <= b.length);
        } catch (PfKeyException e) {
            assertTrue(e.errno() == PfKey.EINVAL || e.errno() == PfKey.EMSGSIZE);
        }
    }

    @Property(tries = 500)
    void randomHeadersWithRightLengthOnlyEverGiveErrno(@ForAll("framed") byte[] b) {
        try {
            PfKeyMessage m = PfKeyMessage.decode(b);
            assertTrue(m.encode().length <= b.length);
        } catch (PfKeyException e) {
            assertTrue(e.errno() == PfKey.EINVAL || e.errno() == PfKey.EMSGSIZE);
        }
    }

    @Provide
    Arbitrary<byte[]> framed() {
        return Arbitraries.integers().between(2, 40).flatMap(words -> Arbitraries.bytes().array(byte[].class)
                .ofSize(words * 8).map(b -> {
                    b[0] = 2;
                    b[6] = 0;
                    b[7] = 0;
                    Bytes.writeUint16Be(b, 4, words);
                    return b;
                }));
    }
}
