package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.RecordCipher;

class RecordRoundTripTest {

    static RecordCipher cipher(CipherSuite suite, long seed) {
        Random r = new Random(seed);
        byte[] key = new byte[suite.keySizeBytes()];
        byte[] iv = new byte[suite.ivSizeBytes()];
        r.nextBytes(key);
        r.nextBytes(iv);
        return RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv);
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void roundTripsManySizes(CipherSuite suite) throws RecSecException {
        RecordCipher c = cipher(suite, 1);
        Random r = new Random(2);
        long seq = 0;
        for (int len : new int[] {0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 255, 256, 1000, 1024, 2047, 2048, 2049,
                4096, 16383, 16384}) {
            byte[] pt = new byte[len + 3];
            r.nextBytes(pt);
            int epoch = r.nextInt(0x10000);
            byte[] rec = c.seal(23, epoch, seq, pt, 3, len);
            assertEquals(len + c.overheadBytes(), rec.length, "length " + len);
            RecordHeader h = RecordHeader.parse(rec, 0, rec.length);
            assertEquals(new RecordHeader(23, 0xFEFD, epoch, seq, rec.length - 13), h);
            assertArrayEquals(Arrays.copyOfRange(pt, 3, 3 + len), c.open(rec, 0, rec.length), "length " + len);
            // A record inside a larger buffer opens from its offset.
            byte[] framed = new byte[rec.length + 9];
            System.arraycopy(rec, 0, framed, 5, rec.length);
            assertArrayEquals(Arrays.copyOfRange(pt, 3, 3 + len), c.open(framed, 5, rec.length));
            seq += 1 + r.nextInt(1000);
        }
        byte[] big = new byte[16385];
        assertThrows(IllegalArgumentException.class, () -> c.seal(23, 0, 99999, big, 0, big.length));
        assertThrows(IllegalArgumentException.class, () -> c.seal(23, 0, 1L << 48, big, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> c.seal(23, 0x10000, 1, big, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> c.seal(256, 1, 1, big, 0, 1));
    }

    /** One cipher shared by several threads: every record opens to its own plaintext (per-thread JCE state). */
    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void threadSafe(CipherSuite suite) throws Exception {
        RecordCipher c = cipher(suite, 9);
        int threads = 4;
        int perThread = 150;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<byte[][]>> sealed = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                sealed.add(pool.submit(() -> {
                    byte[][] recs = new byte[perThread][];
                    for (int i = 0; i < perThread; i++) {
                        byte[] pt = plaintextFor(base + i);
                        recs[i] = c.seal(23, 1, base + i, pt, 0, pt.length);
                    }
                    return recs;
                }));
            }
            java.util.List<java.util.concurrent.Future<?>> opened = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                // Open on a different thread from the one that sealed.
                byte[][] recs = sealed.get((t + 1) % threads).get();
                int base = ((t + 1) % threads) * perThread;
                opened.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        assertArrayEquals(plaintextFor(base + i), c.open(recs[i], 0, recs[i].length),
                                suite + " record " + (base + i));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : opened) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] plaintextFor(int i) {
        byte[] pt = new byte[i % 300];
        new Random(i).nextBytes(pt);
        return pt;
    }
}
