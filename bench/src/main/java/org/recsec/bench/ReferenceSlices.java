package org.recsec.bench;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells a slow phase of the machine from a slow phase of record-sec's code (issue 19 item 4): one JVM alternates
 * short slices of {@link RecordSecBench#protect} or {@link RecordSecBench#unprotect} with three reference kernels that
 * share none of record-sec's code and print one line per round: record-sec ops/s, a latency-bound integer chain
 * (xorshift, millions of steps/s), 1 KB allocations/s, and the JCE's own AES-CTR over 32 bytes on one Cipher kept
 * initialised (calls/s, no allocation). When record-sec and the AES-CTR kernel slow down together in the same round
 * while the integer chain does not, the machine slowed down, not our code; with {@code none} instead of an
 * operation only the reference kernels run (record-sec is not even loaded).
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp bench/target/benchmarks.jar org.recsec.bench.ReferenceSlices \
 *     GET dtls12 protect 16        # message, profile, protect|unprotect|none, rounds
 * </pre>
 *
 * <p>Not a JMH benchmark and not a measurement of record-sec: slices are 200 ms (50 ms for the references) after a
 * warm-up of about 5 s, and the numbers only mean something beside each other in one round.
 */
public final class ReferenceSlices {
    private static final long BENCH_NS = 200_000_000L;
    private static final long REF_NS = 50_000_000L;
    private static final byte[] IN = new byte[32];
    private static final byte[] OUT = new byte[32];
    static volatile Object sink;
    static volatile long longSink;

    private final RecordSecBench bench;
    private final boolean protect;
    private final Cipher ctr;

    private ReferenceSlices(RecordSecBench bench, boolean protect) throws GeneralSecurityException {
        this.bench = bench;
        this.protect = protect;
        this.ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"), new IvParameterSpec(new byte[16]));
    }

    /** Operations of the benchmark (or 0 without one) done in {@code ns}. */
    private long bench(long ns) throws Exception {
        if (bench == null) {
            return 0;
        }
        long end = System.nanoTime() + ns;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 256; i++) {
                sink = protect ? bench.protect() : bench.unprotect();
            }
            n += 256;
        }
        return n;
    }

    private static long integerChain(long ns) {
        long end = System.nanoTime() + ns;
        long n = 0;
        long x = 88172645463325252L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 4096; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
            n += 4096;
        }
        longSink = x;
        return n;
    }

    private static long allocations(long ns) {
        long end = System.nanoTime() + ns;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 256; i++) {
                byte[] b = new byte[1024];
                b[i] = 1;
                sink = b;
            }
            n += 256;
        }
        return n;
    }

    private long aesCtr(long ns) throws GeneralSecurityException {
        long end = System.nanoTime() + ns;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 256; i++) {
                ctr.update(IN, 0, IN.length, OUT, 0);
            }
            n += 256;
        }
        return n;
    }

    private static double perSecond(long ops, long startNs) {
        return ops / ((System.nanoTime() - startNs) / 1e9);
    }

    /** Arguments: message (GET, POST64, POST1024), profile, protect|unprotect|none, number of rounds. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !java.util.List.of("protect", "unprotect", "none").contains(args[2])) {
            System.err.println("usage: ReferenceSlices MESSAGE PROFILE protect|unprotect|none ROUNDS");
            System.exit(2);
        }
        RecordSecBench b = null;
        if (!args[2].equals("none")) {
            b = new RecordSecBench();
            b.message = args[0];
            b.profile = args[1];
            b.setUp();
        }
        ReferenceSlices s = new ReferenceSlices(b, args[2].equals("protect"));
        for (int i = 0; i < 30; i++) {
            s.bench(BENCH_NS / 2);
            integerChain(REF_NS / 2);
            allocations(REF_NS / 2);
            s.aesCtr(REF_NS / 2);
        }
        System.out.println("round  record-sec ops/s  xorshift M/s  1KB allocs/s  JCE AES-CTR(32 B) calls/s");
        int rounds = Integer.parseInt(args[3]);
        for (int r = 1; r <= rounds; r++) {
            long t = System.nanoTime();
            double ops = perSecond(s.bench(BENCH_NS), t);
            t = System.nanoTime();
            double chain = perSecond(integerChain(REF_NS), t);
            t = System.nanoTime();
            double alloc = perSecond(allocations(REF_NS), t);
            t = System.nanoTime();
            double aes = perSecond(s.aesCtr(REF_NS), t);
            System.out.printf("%5d  %16.0f  %12.1f  %12.0f  %25.0f%n", r, ops, chain / 1e6, alloc, aes);
        }
    }
}
