package org.recsec.km.sad;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.record.spi.RecordCipher;

/**
 * Makes the record cipher of an SA whose keys the SAD holds. The production binding is
 * {@code org.recsec.record.internal.crypto.RecordCiphers::dtls12}; the SAD calls it lazily, on the first use of an SA, so a
 * million installed SAs do not hold a million cipher objects.
 */
@FunctionalInterface
public interface RecordCipherFactory {

    /** The dtls12 record profile ({@link RecordCiphers#dtls12}); the SAD's default. */
    RecordCipherFactory DTLS12 = RecordCiphers::dtls12;

    /**
     * @param iv the fixed IV (salt) of {@code suite}, {@link CipherSuite#ivSizeBytes()} long; the callee copies it
     * @throws RecSecException {@code UNSUPPORTED} when the suite cannot be served
     */
    RecordCipher create(CipherSuite suite, SecretBytes key, byte[] iv) throws RecSecException;
}
