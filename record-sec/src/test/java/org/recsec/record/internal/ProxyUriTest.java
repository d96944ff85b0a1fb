package org.recsec.record.internal;

import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.base.RecSecException;

class ProxyUriTest {

    private static CoapOption s(int number, String value) {
        return CoapOption.ofString(number, value);
    }

    private static CoapOption host(String h) {
        return s(OptionNumbers.URI_HOST, h);
    }

    private static CoapOption scheme(String sc) {
        return s(OptionNumbers.PROXY_SCHEME, sc);
    }

    private static CoapOption path(String p) {
        return s(OptionNumbers.URI_PATH, p);
    }

    private static CoapOption query(String q) {
        return s(OptionNumbers.URI_QUERY, q);
    }

    private static CoapOption port(int p) {
        return CoapOption.ofUint(OptionNumbers.URI_PORT, p);
    }

    /** The example of RFC 8613 §4.1.3.3. */
    @Test
    void rfc8613Example() throws RecSecException {
        ProxyUri.Split split = ProxyUri.split("coap://example.com/resource?q=1");
        assertEquals(List.of(host("example.com"), scheme("coap")), split.outer());
        assertEquals(List.of(path("resource"), query("q=1")), split.inner());
    }

    @Test
    void explicitPortIsKept() throws RecSecException {
        ProxyUri.Split split = ProxyUri.split("coap://example.com:61616/a/b");
        assertEquals(List.of(host("example.com"), port(61616), scheme("coap")), split.outer());
        assertArrayEquals(new byte[] {(byte) 0xf0, (byte) 0xb0}, split.outer().get(1).value());
        assertEquals(List.of(path("a"), path("b")), split.inner());
    }

    /** RFC 7252 §6.4 step 6: a port equal to the scheme's default, or empty, is omitted. */
    @Test
    void defaultAndEmptyPortsAreOmitted() throws RecSecException {
        assertEquals(List.of(host("h"), scheme("coap")), ProxyUri.split("coap://h:5683/x").outer());
        assertEquals(List.of(host("h"), scheme("coaps")), ProxyUri.split("coaps://h:5684").outer());
        assertEquals(List.of(host("h"), scheme("http")), ProxyUri.split("http://h:80/").outer());
        assertEquals(List.of(host("h"), scheme("coap")), ProxyUri.split("coap://h:/").outer());
        assertEquals(List.of(host("h"), port(5683), scheme("coaps")), ProxyUri.split("coaps://h:5683/").outer());
        assertEquals(List.of(host("h"), port(0), scheme("coap")), ProxyUri.split("coap://h:0").outer());
    }

    /** RFC 7252 §6.3: these three URIs are equivalent, so they must give the same options. */
    @Test
    void rfc7252Section63EquivalentUris() throws RecSecException {
        ProxyUri.Split a = ProxyUri.split("coap://example.com:5683/~sensors/temp.xml");
        ProxyUri.Split b = ProxyUri.split("coap://EXAMPLE.com/%7Esensors/temp.xml");
        ProxyUri.Split c = ProxyUri.split("coap://EXAMPLE.com:/%7esensors/temp.xml");
        assertEquals(List.of(host("example.com"), scheme("coap")), a.outer());
        assertEquals(List.of(path("~sensors"), path("temp.xml")), a.inner());
        assertEquals(a, b);
        assertEquals(a, c);
    }

    @Test
    void percentEncodingIsDecodedPerSegmentAndArgument() throws RecSecException {
        ProxyUri.Split split = ProxyUri.split("COAP://h/a%2Fb/%C3%A9?x=%26y&z%3d1");
        assertEquals(List.of(host("h"), scheme("coap")), split.outer());
        assertEquals(List.of(path("a/b"), new CoapOption(OptionNumbers.URI_PATH, new byte[] {(byte) 0xc3, (byte) 0xa9}),
                query("x=&y"), query("z=1")), split.inner());
        assertEquals(List.of(host("a.b"), scheme("coap")), ProxyUri.split("coap://a%2Eb").outer());
    }

    @Test
    void ipLiterals() throws RecSecException {
        ProxyUri.Split v6 = ProxyUri.split("coap://[2001:DB8::1]:5684/a");
        assertEquals(List.of(host("[2001:db8::1]"), port(5684), scheme("coap")), v6.outer());
        assertEquals(List.of(path("a")), v6.inner());
        assertEquals(List.of(host("[::ffff:192.0.2.1]"), scheme("coaps")),
                ProxyUri.split("coaps://[::ffff:192.0.2.1]").outer());
        assertEquals(List.of(host("192.0.2.1"), port(1234), scheme("coap")),
                ProxyUri.split("coap://192.0.2.1:1234/").outer());
    }

    /** RFC 7252 §6.4 steps 8 and 9: "/" and "" give no Uri-Path, empty segments and arguments are kept. */
    @Test
    void emptyPathsSegmentsAndQueries() throws RecSecException {
        assertEquals(List.of(), ProxyUri.split("coap://h").inner());
        assertEquals(List.of(), ProxyUri.split("coap://h/").inner());
        assertEquals(List.of(), ProxyUri.split("coap://h/?").inner());
        assertEquals(List.of(path("a"), path("")), ProxyUri.split("coap://h/a/").inner());
        assertEquals(List.of(path(""), path("")), ProxyUri.split("coap://h//").inner());
        assertEquals(List.of(query("a"), query(""), query("b")), ProxyUri.split("coap://h?a&&b").inner());
        assertEquals(List.of(query("a/b?c")), ProxyUri.split("coap://h?a/b?c").inner());
    }

    @Test
    void longestAllowedValues() throws RecSecException {
        String seg = "x".repeat(255);
        assertEquals(List.of(path(seg)), ProxyUri.split("coap://h/" + seg).inner());
        assertEquals(host(seg), ProxyUri.split("coap://" + seg).outer().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "/relative/path", "example.com/x", "//example.com/x", "1coap://h/", "co ap://h/",
        "coap:/x", "coap:x", "urn:ietf:rfc:7252",
        "coap://h/x#frag", "coap://h#",
        "coap://h/%zz", "coap://h/%4", "coap://h/%", "coap://h?%g0", "coap://h%2/",
        "coap://h:65536/", "coap://h:99999999999999999999/", "coap://h:8x/", "coap://h:-1/",
        "coap://user@h/", "coap:///x", "coap://:5683/x", "coap://%41%/",
        "coap://h/a b", "coap://h/\u00e9", "coap://h/a\nb", "coap://h/[x]", "coap://h/a\"b",
        "coap://[zz::1]/", "coap://[::1/", "coap://[::1]x/", "coap://[]/", "coap://[127.0.0.1]/",
        "coap://[v1]/", "coap://[vz.x]/",
    })
    void malformed(String uri) {
        RecSecException e = assertThrows(RecSecException.class, () -> ProxyUri.split(uri), uri);
        assertEquals(RecSecException.Reason.MALFORMED, e.reason(), uri);
    }

    @Test
    void overlongOptionValuesAreMalformed() {
        assertThrows(RecSecException.class, () -> ProxyUri.split("coap://h/" + "x".repeat(256)));
        assertThrows(RecSecException.class, () -> ProxyUri.split("coap://h?" + "%41".repeat(256)));
        assertThrows(RecSecException.class, () -> ProxyUri.split("coap://" + "x".repeat(256)));
    }

    @Provide
    Arbitrary<byte[]> parts() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    }

    /**
     * Any octets, percent-encoded except for unreserved characters, come back as the same octets, one option per
     * segment or argument (the encoder here is the RFC 3986 §2.1 rule, written independently of the decoder).
     */
    @Property(tries = 200)
    void percentEncodedOctetsRoundTrip(@ForAll @Size(min = 1, max = 5) List<@net.jqwik.api.From("parts") byte[]> segs,
                                       @ForAll @Size(max = 4) List<@net.jqwik.api.From("parts") byte[]> args)
            throws RecSecException {
        StringBuilder uri = new StringBuilder("coap://example.org");
        List<CoapOption> expected = new ArrayList<>();
        for (byte[] seg : segs) {
            uri.append('/').append(encode(seg));
            expected.add(new CoapOption(OptionNumbers.URI_PATH, seg));
        }
        if (segs.size() == 1 && segs.get(0).length == 0) {
            expected.clear(); // "coap://example.org/" has no Uri-Path
        }
        for (int i = 0; i < args.size(); i++) {
            uri.append(i == 0 ? '?' : '&').append(encode(args.get(i)));
            expected.add(new CoapOption(OptionNumbers.URI_QUERY, args.get(i)));
        }
        if (args.size() == 1 && args.get(0).length == 0) {
            expected.remove(expected.size() - 1); // "?" alone is an empty query
        }
        assertEquals(expected, ProxyUri.split(uri.toString()).inner(), uri.toString());
    }

    private static String encode(byte[] octets) {
        StringBuilder sb = new StringBuilder();
        String unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        for (byte b : octets) {
            char c = (char) (b & 0xff);
            if (unreserved.indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append(String.format("%%%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    @Property(tries = 300)
    void arbitraryStringsNeverThrowAnythingElse(@ForAll String s) {
        try {
            ProxyUri.split(s);
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason());
        }
        try {
            ProxyUri.split("coap://" + s);
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason());
        }
    }
}
