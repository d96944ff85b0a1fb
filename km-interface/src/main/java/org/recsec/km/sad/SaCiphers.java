package org.recsec.km.sad;

import java.util.Arrays;
import org.recsec.km.pfkey.PfKey;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.crypto.Dtls12CidRecordCipher;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.record.spi.RecordCipher;

/**
 * How an SA gets its record cipher: by its record profile (dtls12 through the {@link RecordCipherFactory},
 * dtls12-cid with the SPI as connection ID, compact from the traffic secret in its key), or from the
 * secure-element bridge for an SA with an SE handle. A cipher that cannot be made becomes a {@link RefusingCipher},
 * so a bad SA refuses records instead of breaking the data path.
 */
final class SaCiphers {
    private final RecordCipherFactory factory;
    private final SeCipherProvider se;

    SaCiphers(RecordCipherFactory factory, SeCipherProvider se) {
        this.factory = factory;
        this.se = se;
    }

    RecordCipher make(SadEntry e) {
        if (e.seHandle != null) {
            return se != null ? se.cipherFor(e.seHandle)
                    : RefusingCipher.of(e.suite, "no secure element bridge configured");
        }
        if (PfKey.isCompactProfile(e.profile)) {
            try {
                return RecordCiphers.compact(e.suite, e.key, e.profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1);
            } catch (IllegalArgumentException ex) {
                return RefusingCipher.of(e.suite, "cipher refused the SA parameters");
            }
        }
        byte[] iv = e.iv.toByteArray();
        try {
            if (e.profile == PfKey.RECSEC_PROFILE_DTLS12_CID) {
                // RFC 9146: the CID names the receiver's state; recsec's is the SPI (docs/profiles.md).
                return RecordCiphers.dtls12Cid(e.suite, e.key, iv, Dtls12CidRecordCipher.cidOf(e.spi()));
            }
            return factory.create(e.suite, e.key, iv);
        } catch (RecSecException ex) {
            return RefusingCipher.of(e.suite, ex.getMessage());
        } catch (IllegalArgumentException ex) {
            // SaSpec checked the lengths; a factory refusing them anyway must not break the data path.
            return RefusingCipher.of(e.suite, "cipher refused the SA parameters");
        } finally {
            Arrays.fill(iv, (byte) 0);
        }
    }
}
