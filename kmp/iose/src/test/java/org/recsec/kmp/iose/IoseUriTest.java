package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** draft-urien-coinrg-iose §4–5 URIs under RFC 3986. */
class IoseUriTest {
    static final String DRAFT = "shellS://mykeystore@server.com:443/"
            + "?s010102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20%0D%0A";

    @Test
    void theDraftsExample() {
        IoseUri u = IoseUri.parse(DRAFT, false);
        assertEquals("shell", u.application());
        assertEquals("mykeystore", u.sen());
        assertEquals("server.com", u.host());
        assertEquals(443, u.port());
        assertArrayEquals(("s010102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20\r\n")
                .getBytes(StandardCharsets.US_ASCII), u.query());
        assertNull(u.psk());
    }

    @Test
    void pskInUriOnlyWhenAllowedAndNeverPrinted() {
        String uri = "shellS://mykeystore:000102030405060708090a0b0c0d0e0f@[::1]:4433/?p00";
        IoseUri.UriException e = assertThrows(IoseUri.UriException.class, () -> IoseUri.parse(uri, false));
        assertTrue(e.getMessage().contains("--insecure-psk-in-uri"));
        IoseUri u = IoseUri.parse(uri, true);
        assertArrayEquals(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"), u.psk());
        assertEquals("::1", u.host());
        assertEquals(4433, u.port());
        assertFalse(u.toString().contains("000102"), u.toString());
    }

    @Test
    void defaultsAndCase() {
        IoseUri u = IoseUri.parse("SHELLs://MyKeyStore@Host.Example", false);
        assertEquals("shell", u.application());
        assertEquals("mykeystore", u.sen());
        assertEquals("host.example", u.host());
        assertEquals(443, u.port());
        assertEquals(0, u.query().length);
    }

    @Test
    void refusals() {
        String[] bad = {
            "shell://se@h:1/?p00", "S://se@h/", "1shellS://se@h/", "shellS:se@h/", "shellS://h:1/?p00",
            "shellS://se@h:0/", "shellS://se@h:65536/", "shellS://se@h:1x/", "shellS://se@h:1/path?p00",
            "shellS://se@h:1/?p00#frag", "shellS://se@h:1/?p%0", "shellS://se@h:1/?p%zz", "shellS://se@h:1/?a b",
            "shellS://bad_sen@h/", "shellS://se.@h/", "shellS://se@/", "shellS://se@[::1/", "shellS://se@h_1/",
            "shellS://se:zz@h/", "shellS://se:00@h/",
        };
        for (String b : bad) {
            assertThrows(IoseUri.UriException.class, () -> IoseUri.parse(b, true), b);
        }
    }

    @Property(tries = 500)
    void queriesRoundTripThroughPercentEncoding(@ForAll @StringLength(max = 100) String raw,
            @ForAll @IntRange(min = 1, max = 65535) int port) {
        byte[] q = raw.getBytes(StandardCharsets.UTF_8);
        StringBuilder enc = new StringBuilder();
        for (byte b : q) {
            enc.append(String.format("%%%02X", b & 0xFF));
        }
        IoseUri u = IoseUri.parse("shellS://se-1@127.0.0.1:" + port + "/?" + enc, false);
        assertArrayEquals(q, u.query());
        assertEquals(port, u.port());
    }

    @Property(tries = 1000)
    void anyTextParsesOrIsRefusedWithUriException(@ForAll @StringLength(max = 80) String s) {
        try {
            IoseUri u = IoseUri.parse("shellS://" + s, false);
            assertNull(u.psk());
        } catch (IoseUri.UriException e) {
            // refused: fine
        }
    }
}
