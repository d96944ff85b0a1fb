package org.recsec.km.sad;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.SecurityAssociation;

/**
 * The child JVM of {@link CrashSafetyTest}: opens the SAD in the given state directory, adds SAs, then reserves
 * outbound sequence numbers as fast as it can, printing each one (flushed) until it is killed.
 */
public final class KillChild {
    static final String C = "coap://127.0.0.1:5683";
    static final int SAS = 3;

    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(Clock.systemUTC(), new Random())
                .everyIdentityLocal().stateDirectory(Path.of(args[0])).sequenceReserve(Integer.parseInt(args[1]))
                .build();
        SadSession s = db.openSession(b -> { });
        for (int i = 0; i < SAS; i++) {
            if (db.size() < SAS) {
                s.add(SaSpec.withKeys(0x1000 + i, C, "coap://10.0.0." + i + ":5683", CipherSuite.AES_128_CCM_8,
                        SecretBytes.copyOf(new byte[16]), SecretBytes.copyOf(new byte[4])));
            }
        }
        out.println("ready " + db.size());
        out.flush();
        OutboundSa sa = db.outbound(LocalId.of(C), PeerId.of("coap://10.0.0.0:5683"));
        while (true) {
            long seq = sa.reserveSequence();
            out.println(seq);
            out.flush();
        }
    }
}
