package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/**
 * RFC 9146 §4 written out on Bouncy Castle's raw AEAD engines (independent of {@link Dtls12CidRecordCipher} and of
 * bctls, which never pads): records whose DTLSInnerPlaintext carries zero padding open to the content and real type;
 * an inner plaintext of zeros only is MALFORMED; without padding the reference's bytes are ours.
 */
class Dtls12CidPaddingTest {
    private static final byte[] CID = {0x00, 0x00, 0x10, 0x01};

    /** tls12_cid record per RFC 9146 §4/§5.2 around {@code inner}, the serialised DTLSInnerPlaintext. */
    static byte[] reference(CipherSuite suite, byte[] key, byte[] iv, int epoch, long seq, byte[] inner)
            throws Exception {
        byte[] sn = RfcRecordReference.seqNum(epoch, seq);
        byte[] aad = new byte[23 + CID.length];
        Arrays.fill(aad, 0, 8, (byte) 0xff);
        aad[8] = 25;
        aad[9] = (byte) CID.length;
        aad[10] = 25;
        aad[11] = (byte) 0xfe;
        aad[12] = (byte) 0xfd;
        System.arraycopy(sn, 0, aad, 13, 8);
        System.arraycopy(CID, 0, aad, 21, CID.length);
        aad[21 + CID.length] = (byte) (inner.length >>> 8);
        aad[22 + CID.length] = (byte) inner.length;
        AEADCipher c = RfcRecordReference.engine(suite);
        c.init(true, new AEADParameters(new KeyParameter(key), RfcRecordReference.tagBytes(suite) * 8,
                RfcRecordReference.nonce(suite, iv, sn), aad));
        byte[] ct = new byte[c.getOutputSize(inner.length)];
        c.doFinal(ct, c.processBytes(inner, 0, inner.length, ct, 0));
        int explicit = RfcRecordReference.explicit(suite) ? 8 : 0;
        int fragment = explicit + ct.length;
        byte[] rec = new byte[13 + CID.length + fragment];
        rec[0] = 25;
        rec[1] = (byte) 0xfe;
        rec[2] = (byte) 0xfd;
        System.arraycopy(sn, 0, rec, 3, 8);
        System.arraycopy(CID, 0, rec, 11, CID.length);
        rec[11 + CID.length] = (byte) (fragment >>> 8);
        rec[12 + CID.length] = (byte) fragment;
        System.arraycopy(sn, 0, rec, 13 + CID.length, explicit);
        System.arraycopy(ct, 0, rec, 13 + CID.length + explicit, ct.length);
        return rec;
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void paddingIsStrippedAndZerosOnlyRefused(CipherSuite suite) throws Exception {
        Random rnd = new Random(suite.ordinal() + 9146);
        byte[] key = new byte[suite.keySizeBytes()];
        byte[] iv = new byte[suite.ivSizeBytes()];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        Dtls12CidRecordCipher ours = (Dtls12CidRecordCipher) RecordCiphers.dtls12Cid(suite, SecretBytes.copyOf(key),
                iv, CID);
        byte[] content = new byte[21];
        rnd.nextBytes(content);
        content[content.length - 1] = 0; // content may end in zeros: only what follows the real type is padding
        for (int pad : new int[] {0, 1, 7, 100}) {
            byte[] inner = new byte[content.length + 1 + pad];
            System.arraycopy(content, 0, inner, 0, content.length);
            inner[content.length] = 23;
            byte[] rec = reference(suite, key, iv, 1, 40 + pad, inner);
            Dtls12CidRecordCipher.Opened o = ours.openInner(rec, 0, rec.length);
            assertEquals(23, o.contentType(), "pad " + pad);
            assertArrayEquals(content, o.content(), "pad " + pad);
            if (pad == 0) {
                assertArrayEquals(rec, ours.seal(23, 1, 40, content, 0, content.length), "our seal = RFC rules");
            }
        }
        byte[] zeros = reference(suite, key, iv, 1, 7, new byte[12]);
        assertEquals(RecSecException.Reason.MALFORMED, assertThrows(RecSecException.class,
                () -> ours.openInner(zeros, 0, zeros.length)).reason());
        byte[] handshake = reference(suite, key, iv, 1, 8, new byte[] {1, 2, 3, 22, 0, 0});
        assertEquals(22, ours.openInner(handshake, 0, handshake.length).contentType());
        assertEquals(RecSecException.Reason.MALFORMED, assertThrows(RecSecException.class,
                () -> ours.open(handshake, 0, handshake.length)).reason(), "only application_data through open()");
    }
}
