package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * Random bytes and random mutations of valid messages: the SAD answers with replies (never an exception), and
 * whenever it answers with an errno its DUMP (and GET of every SA) is exactly what it was before.
 */
class SadProperties {
    static final String C = "coap://127.0.0.1:5683";
    static final String S = "coap://127.0.0.1:5684";

    static List<byte[]> seeds() {
        SecretBytes k = SecretBytes.copyOf(new byte[16]);
        SecretBytes iv = SecretBytes.copyOf(new byte[4]);
        List<byte[]> out = new ArrayList<>();
        out.add(PfKeyRequests.add(SaSpec.withKeys(0x1001, C, S, CipherSuite.AES_128_CCM_8, k, iv), 1, 1).encode());
        out.add(PfKeyRequests.update(SaSpec.withKeys(0x2002, S, C, CipherSuite.AES_128_CCM_8, k, iv), 2, 1).encode());
        out.add(PfKeyRequests.delete(0x2002, S, C, 3, 1).encode());
        out.add(PfKeyRequests.get(0x2002, S, C, 4, 1).encode());
        out.add(PfKeyRequests.getSpi(C, S, 0x4000, 0x4000, 5, 1).encode());
        out.add(PfKeyRequests.flush(6, 1).encode());
        out.add(PfKeyRequests.register(7, 1).encode());
        return out;
    }

    static SecurityAssociationDatabase populated() throws Exception {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1000), new Random(1))
                .everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        s.add(SaSpec.withKeys(0x2002, S, C, CipherSuite.AES_128_GCM, SecretBytes.copyOf(new byte[16]),
                SecretBytes.copyOf(new byte[4])));
        s.add(SaSpec.onSecureElement(0x3003, "SEN-1", C, CipherSuite.AES_128_CCM_8, "se:1"));
        return db;
    }

    static List<String> state(SecurityAssociationDatabase db) throws PfKeyException {
        SadSession s = db.openSession(b -> { });
        List<String> out = new ArrayList<>();
        for (byte[] d : s.send(PfKeyRequests.dump(1, 1).encode())) {
            out.add(org.recsec.record.internal.wire.Bytes.toHex(d));
        }
        out.add(org.recsec.record.internal.wire.Bytes.toHex(s.send(PfKeyRequests.get(0x2002, S, C, 1, 1).encode()).get(0)));
        s.close();
        return out;
    }

    void check(byte[] input) throws Exception {
        SecurityAssociationDatabase db = populated();
        List<String> before = state(db);
        SadSession s = db.openSession(b -> { });
        List<byte[]> replies = s.send(input);
        boolean refused = replies.isEmpty() || PfKeyMessage.decode(replies.get(0)).errno() != 0;
        if (refused) {
            assertEquals(before, state(db));
        }
    }

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 300) byte[] input) throws Exception {
        check(input);
    }

    @Property(tries = 400)
    void mutatedValidMessages(@ForAll("mutated") byte[] input) throws Exception {
        check(input);
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        List<byte[]> seeds = seeds();
        return Arbitraries.integers().between(0, seeds.size() - 1).flatMap(i -> Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            byte[] b = seeds.get(i).clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int pos = r.nextInt(b.length);
                if (r.nextBoolean()) {
                    b[pos] ^= (byte) (1 << r.nextInt(8));
                } else {
                    b[pos] = (byte) r.nextInt(256);
                }
            }
            if (r.nextInt(4) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            }
            return b;
        }));
    }

    @Property(tries = 50)
    void flushAndDeleteRefusalsDoNotChangeAnything(@ForAll("satypes") int satype) throws Exception {
        byte[] b = PfKeyRequests.flush(1, 1).encode();
        b[3] = (byte) satype;
        SecurityAssociationDatabase db = populated();
        List<String> before = state(db);
        List<byte[]> r = db.openSession(x -> { }).send(b);
        if (satype != PfKey.SADB_X_SATYPE_RECSEC && satype != 0) {
            assertEquals(PfKey.EINVAL, PfKeyMessage.decode(r.get(0)).errno());
            assertEquals(before, state(db));
        }
    }

    @Provide
    Arbitrary<Integer> satypes() {
        return Arbitraries.integers().between(0, 255);
    }
}
