package org.recsec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Threads;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.OutboundSa;

/**
 * Many active SAs at once: {@code sas} outbound SAs in one SA database (installed by PF_KEY ADD), and 8 threads
 * sealing 64-byte records, each under an SA drawn at random from all of them (lookup, sequence number, seal).
 * Compare {@code sas=1} with {@code sas=100000} for the cost of spreading traffic. Each SA has its own key and
 * IV.
 *
 * <p>The setup first seals one record under every SA from each of {@value #THREADS} threads, then prints the heap
 * per SA after a full GC: cipher state kept per SA and per thread would show here as about 2 KB per SA per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(ManySasBench.THREADS)
public class ManySasBench {
    static final int THREADS = 8;
    static final String SERVER = "server";
    private static final LocalId LOCAL = LocalId.of(SERVER);

    @Param({"1", "100000"})
    public int sas;

    /**
     * The SAs' suite: {@code AES_128_CCM_8} (c0a8, the constrained-device suite) or {@code CHACHA20_POLY1305} (ccab,
     * RFC 7905), whose key needs no schedule: it tells the cost of switching AES keys from the rest of the cost of
     * spreading traffic.
     */
    @Param({"AES_128_CCM_8", "CHACHA20_POLY1305"})
    public CipherSuite suite;

    private SecurityAssociationDatabase sad;
    private String[] peers;
    private final byte[] payload = new byte[64];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        sad = SecurityAssociationDatabase.builder(Clock.systemUTC(), new SplittableRandom(1))
                .localIdentities(Set.of(SERVER)).build();
        SadSession session = sad.openSession(pushed -> { });
        // Every SA has its own key and IV, as in a real server: the JCE keeps the key schedule of the key it used
        // last, so SAs sharing one key would hide what switching between SAs costs.
        SplittableRandom keys = new SplittableRandom(2);
        byte[] k = new byte[suite.keySizeBytes()];
        byte[] salt = new byte[suite.ivSizeBytes()];
        peers = new String[sas];
        for (int i = 0; i < sas; i++) {
            peers[i] = "client-" + i;
            keys.nextBytes(k);
            keys.nextBytes(salt);
            session.add(SaSpec.withKeys(SadBench.spi(i), SERVER, peers[i], suite,
                    SecretBytes.copyOf(k), SecretBytes.copyOf(salt)));
        }
        long installed = usedAfterGc(memory);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < sas; i++) {
                        seal(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long active = usedAfterGc(memory);
        System.out.printf("%nManySasBench: %d SAs (%s), heap per SA %d bytes installed, %d bytes after every SA sealed "
                + "a record on each of %d threads%n", sas, suite, (installed - before) / sas, (active - before) / sas,
                THREADS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sad.close();
    }

    private byte[] seal(int i) throws RecSecException {
        OutboundSa sa = sad.outbound(LOCAL, PeerId.of(peers[i]));
        long seq = sa.reserveSequence();
        byte[] record = sa.cipher().seal(23, sa.epoch(), seq, payload, 0, payload.length);
        sa.reportSealed(payload.length);
        return record;
    }

    /** One record sealed under a random one of the SAs. */
    /** Seals of the current iteration, for the CPU time per seal. */
    private final LongAdder seals = new LongAdder();
    private long iterationCpuNs;

    @Setup(Level.Iteration)
    public void startCpu() {
        seals.reset();
        iterationCpuNs = StackBench.processCpuNs();
    }

    /**
     * CPU time of the whole JVM per seal during the iteration: with 8 threads on a shared 2-core machine the rate
     * follows the neighbours' load, the CPU per seal much less (as in {@link StackBench}).
     */
    @TearDown(Level.Iteration)
    public void printCpu() {
        long cpu = StackBench.processCpuNs() - iterationCpuNs;
        long n = seals.sum();
        System.out.println();
        System.out.printf("ManySasBench cpu sas=%d suite=%s: %d seals, %.3f us/seal%n", sas, suite, n,
                n > 0 ? cpu / 1e3 / n : -1.0);
    }

    @Benchmark
    public byte[] sealUnderRandomSa() throws RecSecException {
        seals.increment();
        return seal(ThreadLocalRandom.current().nextInt(sas));
    }

    /**
     * The same SA choice, lookup and sequence number as {@link #sealUnderRandomSa}, without the seal: what spreading
     * the traffic costs outside the AEAD (SAD lookup and the SA's state). Compared with the seal at the same
     * {@code sas}, the rest is the cipher's part (its key schedule and state).
     */
    @Benchmark
    public long lookupUnderRandomSa() throws RecSecException {
        seals.increment();
        OutboundSa sa = sad.outbound(LOCAL, PeerId.of(peers[ThreadLocalRandom.current().nextInt(sas)]));
        long seq = sa.reserveSequence();
        sa.reportSealed(payload.length);
        return seq;
    }

    /** The SA database, for tests. */
    SecurityAssociationDatabase sad() {
        return sad;
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
