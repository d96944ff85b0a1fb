package org.recsec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.SecurityAssociation;

/**
 * Inbound SA lookup by SPI in km-interface's {@link SecurityAssociationDatabase} holding {@code sas} SAs (one
 * million by default), each installed by a PF_KEY ADD on a session as a key-management daemon would. SPIs are
 * spread over the 32-bit space (an odd multiplier, a bijection) and looked up in a shuffled order, so neither the
 * hash table nor the caches see a sequential pattern.
 *
 * <p>The setup prints the heap each SA costs: used heap after {@code System.gc()} before and after installing,
 * and again after every SA was looked up once (the first lookup builds the SA's view and record cipher). Run with
 * {@code -prof gc} to see that a lookup allocates nothing ({@code gc.alloc.rate.norm} ≈ 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SadBench {
    static final String SERVER = "server";

    @Param({"1000000"})
    public int sas;

    private SecurityAssociationDatabase sad;
    private long[] lookupOrder;
    private int next;

    /** The i-th SPI: an odd-multiplier bijection on 32 bits, kept clear of the reserved 0..255. */
    static long spi(int i) {
        long x = ((i + 1L) * 0x9E3779B1L) & 0xffffffffL;
        if (x < SaSpec.MIN_SPI) {
            throw new IllegalStateException("SPI " + x + " for SA " + i + " is reserved");
        }
        return x;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        long start = System.nanoTime();
        sad = install(sas);
        long installNanos = System.nanoTime() - start;
        long installed = usedAfterGc(memory);

        lookupOrder = new long[sas];
        for (int i = 0; i < sas; i++) {
            lookupOrder[i] = spi(i);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = sas - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = lookupOrder[i];
            lookupOrder[i] = lookupOrder[j];
            lookupOrder[j] = t;
        }
        long orderBytes = 16L + 8L * sas;
        for (long s : lookupOrder) {
            sad.inbound(s).cipher();
        }
        long touched = usedAfterGc(memory);
        System.out.printf("%nSAD: %d SAs installed by PF_KEY ADD in %.1f s (%.1f us each)%n", sas,
                installNanos / 1e9, installNanos / 1e3 / sas);
        System.out.printf("SAD heap per SA: %d bytes installed, %d bytes after one lookup each "
                        + "(view and record cipher built)%n", (installed - before) / sas,
                (touched - before - orderBytes) / sas);
    }

    static SecurityAssociationDatabase install(int count) throws Exception {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(Clock.systemUTC(),
                new SplittableRandom(1)).localIdentities(Set.of(SERVER)).build();
        SadSession session = db.openSession(pushed -> { });
        SecretBytes key = SecretBytes.copyOf(RecordSecBench.KEY);
        SecretBytes iv = SecretBytes.copyOf(RecordSecBench.SALT);
        for (int i = 0; i < count; i++) {
            add(session, SaSpec.withKeys(spi(i), "client-" + i, SERVER, CipherSuite.AES_128_CCM_8, key, iv));
        }
        return db;
    }

    private static void add(SadSession session, SaSpec spec) throws PfKeyException {
        session.add(spec);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Benchmark
    public SecurityAssociation lookup() throws RecSecException {
        int i = next;
        next = i + 1 == lookupOrder.length ? 0 : i + 1;
        return sad.inbound(lookupOrder[i]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sad.close();
    }

    /** For tests. */
    SecurityAssociationDatabase sad() {
        return sad;
    }
}
