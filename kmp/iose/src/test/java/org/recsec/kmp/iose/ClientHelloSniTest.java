package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The grid's SNI reader (RFC 6066 §3) on crafted, mutated and random ClientHellos. */
class ClientHelloSniTest {

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    /** A minimal TLS 1.3-shaped ClientHello record whose only extension is server_name with one host_name. */
    static byte[] helloWithSni(String name) {
        return hello(serverNameExt(name.getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] serverNameExt(byte[] name) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.write(0);
        list.writeBytes(u16(name.length));
        list.writeBytes(name);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.writeBytes(u16(0));
        e.writeBytes(u16(list.size() + 2));
        e.writeBytes(u16(list.size()));
        e.writeBytes(list.toByteArray());
        return e.toByteArray();
    }

    static byte[] hello(byte[] extensions) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(u16(0x0303));
        b.writeBytes(new byte[32]);
        b.write(0);
        b.writeBytes(u16(2));
        b.writeBytes(u16(0x1304));
        b.write(1);
        b.write(0);
        b.writeBytes(u16(extensions.length));
        b.writeBytes(extensions);
        byte[] body = b.toByteArray();
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.writeBytes(new byte[] {22, 3, 1});
        r.writeBytes(u16(body.length + 4));
        r.write(1);
        r.write(0);
        r.writeBytes(u16(body.length));
        r.writeBytes(body);
        return r.toByteArray();
    }

    static int alertOf(byte[] record) {
        return assertThrows(TlsAlertException.class, () -> ClientHelloSni.serverName(record)).alert();
    }

    @Test
    void readsAndLowerCasesTheHostName() throws Exception {
        assertEquals("mykeystore.example", ClientHelloSni.serverName(helloWithSni("MyKeyStore.Example")));
    }

    @Test
    void refusesWhatRfc6066Forbids() {
        assertEquals(50, alertOf(helloWithSni("")));
        assertEquals(50, alertOf(helloWithSni("trailing.dot.")));
        assertEquals(50, alertOf(helloWithSni("192.168.1.1")));
        assertEquals(50, alertOf(helloWithSni("under_score")));
        assertEquals(50, alertOf(helloWithSni("-lead")));
        assertEquals(50, alertOf(helloWithSni("a".repeat(64))));
        assertEquals(50, alertOf(helloWithSni("sp ace")));
        byte[] two = new byte[0];
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.writeBytes(serverNameExt("a".getBytes(StandardCharsets.US_ASCII)));
        e.writeBytes(serverNameExt("b".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(47, alertOf(hello(e.toByteArray())), "duplicate extension");
        // two host_name entries in one list
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String n : new String[] {"a", "b"}) {
            list.write(0);
            list.writeBytes(u16(1));
            list.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
        }
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(u16(0));
        ext.writeBytes(u16(list.size() + 2));
        ext.writeBytes(u16(list.size()));
        ext.writeBytes(list.toByteArray());
        assertEquals(47, alertOf(hello(ext.toByteArray())), "two host names");
        assertEquals(109, alertOf(hello(two)), "no server_name");
    }

    @Provide
    Arbitrary<String> dnsNames() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .ofMinLength(1).ofMaxLength(20).filter(s -> !s.chars().allMatch(Character::isDigit));
        return label.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l));
    }

    @Property(tries = 300)
    void everyDnsNameRoundTrips(@ForAll("dnsNames") String name) throws Exception {
        assertEquals(name, ClientHelloSni.serverName(helloWithSni(name)));
    }

    /** Mutations and random records: a name or a TlsAlertException, never another exception. */
    @Property(tries = 1000)
    void mutatedHellosGiveANameOrAnAlert(@ForAll @IntRange(min = 0, max = 500) int at, @ForAll byte value,
            @ForAll @IntRange(min = 0, max = 3) int cut) {
        byte[] r = helloWithSni("mykeystore");
        r[at % r.length] = value;
        byte[] m = java.util.Arrays.copyOf(r, r.length - cut);
        try {
            ClientHelloSni.serverName(m);
        } catch (TlsAlertException e) {
            // refused with an alert: fine
        }
    }

    @Property(tries = 1000)
    void randomRecordsGiveANameOrAnAlert(@ForAll @Size(max = 600) byte[] r) {
        try {
            ClientHelloSni.serverName(r);
        } catch (TlsAlertException e) {
            // refused with an alert: fine
        }
    }
}
