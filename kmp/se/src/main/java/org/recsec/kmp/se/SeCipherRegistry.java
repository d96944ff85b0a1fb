package org.recsec.kmp.se;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.recsec.km.sad.SeCipherProvider;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.RecordCipher;

/**
 * The {@link SeCipherProvider} to build an SA database with ({@code seCipherProvider(registry)}) when SE-resident
 * SAs will be installed: the SE KMP registers each card session's cipher under the handle it puts into the SA.
 *
 * <p>The SAD asks for an SA's cipher once and keeps it, so the cipher handed out looks the handle up at every
 * record: a handle registered later, or {@link #unregister unregistered} (card session closed), takes effect at
 * once. An unknown handle refuses every record with {@code KEY_MANAGEMENT}.
 */
public final class SeCipherRegistry implements SeCipherProvider {
    private final Map<String, RecordCipher> ciphers = new ConcurrentHashMap<>();

    /** Makes {@code cipher} the one for {@code handle}. */
    public void register(String handle, RecordCipher cipher) {
        ciphers.put(handle, cipher);
    }

    /** Forgets {@code handle}; its SAs then refuse every record. */
    public void unregister(String handle) {
        ciphers.remove(handle);
    }

    @Override
    public RecordCipher cipherFor(String seHandle) {
        return new RecordCipher() {
            @Override
            public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
                    throws RecSecException {
                return lookup().seal(contentType, epoch, seq, plaintext, off, len);
            }

            @Override
            public byte[] open(byte[] record, int off, int len) throws RecSecException {
                return lookup().open(record, off, len);
            }

            @Override
            public int overheadBytes() {
                return SeRecordCipher.OVERHEAD;
            }

            private RecordCipher lookup() throws RecSecException {
                RecordCipher c = ciphers.get(seHandle);
                if (c == null) {
                    throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT,
                            "no secure element session for handle " + seHandle);
                }
                return c;
            }
        };
    }
}
