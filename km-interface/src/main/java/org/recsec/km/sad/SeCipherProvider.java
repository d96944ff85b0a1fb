package org.recsec.km.sad;

import org.recsec.record.base.RecSecException;

import org.recsec.record.spi.RecordCipher;

/**
 * Gives the record cipher of an SA whose keys stay on a secure element, by the handle the KMP put in
 * {@code SADB_X_EXT_RECSEC_SE_HANDLE}. The SE bridge implements it; the returned cipher asks the card for every
 * record and reports an absent or refusing card as {@code RecSecException} from {@code seal}/{@code open}.
 */
@FunctionalInterface
public interface SeCipherProvider {

    /** The cipher for {@code seHandle}; never {@code null}. */
    RecordCipher cipherFor(String seHandle);
}
