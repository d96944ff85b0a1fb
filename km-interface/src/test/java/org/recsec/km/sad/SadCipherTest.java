package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.SecurityAssociation;

/** SAs installed through PF_KEY messages protect real records with the dtls12 ciphers from record-sec. */
class SadCipherTest {
    static final String C = "coap://127.0.0.1:5683";
    static final String S = "coap://127.0.0.1:5684";

    @Test
    void everySuiteSealsOutboundAndOpensInbound() throws Exception {
        Random r = new Random(5);
        int spi = 0x1000;
        for (CipherSuite suite : CipherSuite.values()) {
            // Two SADs, one per end, each knowing only its own identity.
            SecurityAssociationDatabase client = SecurityAssociationDatabase.builder(new MutableClock(1), r)
                    .localIdentities(java.util.Set.of(C)).build();
            SecurityAssociationDatabase server = SecurityAssociationDatabase.builder(new MutableClock(1), r)
                    .localIdentities(java.util.Set.of(S)).build();
            byte[] key = new byte[suite.keySizeBytes()];
            byte[] iv = new byte[suite.ivSizeBytes()];
            r.nextBytes(key);
            r.nextBytes(iv);
            SaSpec c2s = SaSpec.withKeys(++spi, C, S, suite, SecretBytes.copyOf(key), SecretBytes.copyOf(iv));
            client.openSession(b -> { }).add(c2s);
            server.openSession(b -> { }).add(c2s);
            OutboundSa out = client.outbound(LocalId.of(C), PeerId.of(S));
            InboundSa in = server.inbound(spi);
            byte[] pt = ("hello " + suite).getBytes(StandardCharsets.US_ASCII);
            long seq = out.reserveSequence();
            byte[] record = out.cipher().seal(23, out.epoch(), seq, pt, 0, pt.length);
            assertArrayEquals(pt, in.cipher().open(record, 0, record.length), suite.toString());
            record[record.length - 1] ^= 1;
            byte[] bad = record;
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                    () -> in.cipher().open(bad, 0, bad.length)).reason(), suite.toString());
        }
    }
}
