package org.recsec.km.sad;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;

/**
 * The child JVM of {@link InboundCrashTest}: opens the server SAD in the given state directory, then unprotects the
 * fixed records of {@link InboundMarkTest#records} on several threads at once, printing each record's index once
 * unprotect returned (flushed), until it is killed.
 */
public final class InboundKillChild {
    static final int RECORDS = 60_000;

    private InboundKillChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        List<CoapMessage> recs = InboundMarkTest.records(RECORDS);
        SecurityAssociationDatabase db = InboundMarkTest.server(Path.of(args[0]), Integer.parseInt(args[2]));
        if (db.size() == 0) {
            InboundMarkTest.install(db);
        }
        RecordProtector rp = new RecordProtector(db);
        out.println("ready");
        out.flush();
        AtomicInteger next = new AtomicInteger();
        int threads = Integer.parseInt(args[1]);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                for (int i; (i = next.getAndIncrement()) < RECORDS; ) {
                    try {
                        rp.unprotectRequest(recs.get(i));
                    } catch (RecSecException e) {
                        continue;
                    }
                    synchronized (out) {
                        out.println(i);
                        out.flush();
                    }
                }
            }).start();
        }
    }
}
