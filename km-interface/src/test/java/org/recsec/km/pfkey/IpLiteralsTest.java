package org.recsec.km.pfkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Literals parse to the bytes the JDK gives them; anything else is null and is never looked up. */
class IpLiteralsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.0.01", "::", "::1", "1::", "1::2",
        "2001:db8::ff00:42:8329", "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::1:2:3:4:5:6", "::ffff:1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:7:8", "ABCD::ef"})
    void literalsGiveTheJdksBytes(String literal) throws Exception {
        byte[] jdk = InetAddress.getByName(literal).getAddress(); // a literal: the JDK does no lookup either
        byte[] ours = IpLiterals.parse(literal).orElseThrow();
        if (jdk.length == 4 && ours.length == 16) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; the bytes must still be the mapped form.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(jdk, 0, mapped, 12, 4);
            jdk = mapped;
        }
        assertArrayEquals(jdk, ours, literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".0.1:5683", "256..0.1:5683",
        "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3", "1.2.3.4::",
        "localhost", "example.com", "[::1]", "1:2:3:4:5:6:7:1.2.3.4", " ::1", "1::2:3:4:5:6:7:8"})
    void anythingElseIsRefused(String s) {
        assertNull(IpLiterals.parse(s).orElse(null), s);
    }
}
