package org.recsec.kmp.iose.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.recsec.kmp.iose.ClientHelloSni;
import org.recsec.kmp.iose.IoseUri;
import org.recsec.kmp.iose.TlsAlertException;
import org.recsec.testsupport.FuzzSupport;

/**
 * Coverage-guided fuzzing of the grid's untrusted-input parsers (FUZZING.md contract): the SNI reader gives a name
 * no longer than its input, lower case, or a {@link TlsAlertException} with one of its documented alerts; the URI
 * parser gives a URI or an {@link IoseUri.UriException}, and never a PSK unless allowed.
 */
class IoseFuzzTest {

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void sni(byte[] record) {
        String name;
        try {
            name = ClientHelloSni.serverName(record);
        } catch (TlsAlertException e) {
            assertTrue(java.util.Set.of(10, 47, 50, 109).contains(e.alert()), "undocumented alert " + e.alert());
            return;
        }
        assertTrue(name.length() >= 1 && name.length() <= 253 && name.length() < record.length);
        assertEquals(name.toLowerCase(java.util.Locale.ROOT), name);
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void uri(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean allow = (input[0] & 1) != 0;
        String text = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        IoseUri u;
        try {
            u = IoseUri.parse(text, allow);
        } catch (IoseUri.UriException e) {
            return;
        }
        if (!allow) {
            assertNull(u.psk());
        }
        assertTrue(u.port() >= 1 && u.port() <= 65535);
        assertTrue(u.query().length <= text.length());
        assertTrue(!u.toString().contains("psk") || u.psk() != null);
    }
}
