package org.recsec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/** ManySasBench installs its SAs with the suite it is given, and seals whole records under them. */
class ManySasBenchTest {

    @ParameterizedTest
    @EnumSource(value = CipherSuite.class, names = {"AES_128_CCM_8", "CHACHA20_POLY1305"})
    void sealsUnderSasOfTheGivenSuite(CipherSuite suite) throws Exception {
        ManySasBench b = new ManySasBench();
        b.sas = 40;
        b.suite = suite;
        b.setUp();
        try {
            int header = 13; // DTLS 1.2 record header (RFC 6347 §4.1)
            for (int i = 0; i < 200; i++) {
                byte[] record = b.sealUnderRandomSa();
                assertEquals(header + suite.fragmentOverheadBytes() + 64, record.length, suite.name());
            }
            for (int i = 0; i < b.sas; i++) {
                assertEquals(suite, b.sad().outbound(LocalId.of(ManySasBench.SERVER), PeerId.of("client-" + i))
                        .suite());
            }
            long first = b.lookupUnderRandomSa();
            assertTrue(first >= 1, "setUp sealed under every SA from every thread first: " + first);
        } finally {
            b.tearDown();
        }
    }
}
