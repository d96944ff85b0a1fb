package org.recsec.km.sad;

import java.util.Arrays;
import org.recsec.record.RecSecException;
import org.recsec.record.RecordCipher;

/**
 * How an SA gets its record cipher: from the key and IV through the {@link RecordCipherFactory}, or from the
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
        byte[] iv = e.iv.toByteArray();
        try {
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
