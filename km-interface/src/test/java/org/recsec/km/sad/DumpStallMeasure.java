package org.recsec.km.sad;

import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * Measures (not a test) how long lookups on the data path stall while a DUMP or a lifetime sweep runs over many SAs
 * (issue 12 item 7). Usage: {@code java -cp ... org.recsec.km.sad.DumpStallMeasure [SAS]}. Prints the longest
 * single {@code inbound(spi)} call seen by a lookup thread during three DUMPs and three sweeps.
 */
public final class DumpStallMeasure {
    private DumpStallMeasure() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(Clock.systemUTC(), new Random(1))
                .everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        SecretBytes k = SecretBytes.copyOf(new byte[16]);
        SecretBytes iv = SecretBytes.copyOf(new byte[4]);
        for (int i = 0; i < n; i++) {
            s.add(SaSpec.withKeys(0x1000 + i, "coap://10.0." + (i >> 8 & 0xff) + "." + (i & 0xff) + ":5683",
                    "coap://10.1." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + ":" + (1000 + (i & 0xff)),
                    CipherSuite.AES_128_CCM_8, k, iv));
        }
        System.out.println("SAs: " + db.size());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong worst = new AtomicLong();
        Thread lookups = new Thread(() -> {
            Random r = new Random(2);
            while (!stop.get()) {
                long spi = 0x1000 + r.nextInt(n);
                long t0 = System.nanoTime();
                try {
                    db.inbound(spi);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long d = System.nanoTime() - t0;
                worst.accumulateAndGet(d, Math::max);
            }
        });
        lookups.start();
        // Warm up.
        for (int i = 0; i < 2; i++) {
            s.send(PfKeyRequests.dump(1, 0).encode());
            db.expireDue();
        }
        Thread.sleep(500);
        worst.set(0);
        long dumpMax = 0;
        for (int i = 0; i < 3; i++) {
            worst.set(0);
            long t0 = System.nanoTime();
            List<byte[]> r = s.send(PfKeyRequests.dump(1, 0).encode());
            long took = System.nanoTime() - t0;
            Thread.sleep(50);
            dumpMax = Math.max(dumpMax, worst.get());
            System.out.printf("DUMP %d messages in %.1f ms; longest lookup meanwhile %.3f ms%n", r.size(),
                    took / 1e6, worst.get() / 1e6);
        }
        long sweepMax = 0;
        for (int i = 0; i < 3; i++) {
            worst.set(0);
            long t0 = System.nanoTime();
            db.expireDue();
            long took = System.nanoTime() - t0;
            Thread.sleep(50);
            sweepMax = Math.max(sweepMax, worst.get());
            System.out.printf("sweep in %.1f ms; longest lookup meanwhile %.3f ms%n", took / 1e6, worst.get() / 1e6);
        }
        worst.set(0);
        Thread.sleep(1000);
        System.out.printf("longest lookup in 1 s without DUMP or sweep %.3f ms%n", worst.get() / 1e6);
        stop.set(true);
        lookups.join();
        System.out.printf("RESULT n=%d dumpStallMaxMs=%.3f sweepStallMaxMs=%.3f%n", n, dumpMax / 1e6, sweepMax / 1e6);
    }
}
