package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.recsec.record.base.RecSecException;

/**
 * Independent check against Eclipse Californium: Californium serializes a request, we decode it to the same fields and
 * encode it back to Californium's bytes; we encode, Californium parses the same fields.
 */
class CoapCodecCaliforniumTest {

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.strings().ascii().ofMinLength(0).ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> proxyUris() {
        // Proxy-Uri may be 1..1034 bytes: long enough for the two-byte length form
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(400).map(s -> "coap://h/" + s);
    }

    @Property(tries = 200)
    void californiumBytesDecodeToTheSameFieldsAndReencodeExactly(
            @ForAll @IntRange(min = 0, max = 0xffff) int mid,
            @ForAll @Size(max = 8) byte[] token,
            @ForAll @Size(max = 4) List<@net.jqwik.api.From("segments") String> path,
            @ForAll @Size(max = 3) List<@net.jqwik.api.From("segments") String> query,
            @ForAll @IntRange(min = 0, max = 0xffff) int contentFormat,
            @ForAll @IntRange(min = 0, max = 0xffffff) int observe,
            @ForAll("proxyUris") String proxyUri,
            @ForAll boolean withProxyUri,
            @ForAll @Size(max = 300) byte[] payload) throws RecSecException {
        Request request = Request.newPost();
        request.setMID(mid);
        request.setToken(Token.fromProvider(token));
        OptionSet os = request.getOptions();
        path.forEach(os::addUriPath);
        query.forEach(os::addUriQuery);
        os.setContentFormat(contentFormat);
        os.setObserve(observe);
        os.addOption(new Option(OptionNumbers.NO_RESPONSE, 2)); // delta 13 form after Size1 60 etc.
        if (withProxyUri) {
            os.setProxyUri(proxyUri);
        }
        request.setPayload(payload);
        byte[] wire = new UdpDataSerializer().getByteArray(request);

        CoapMessage ours = CoapCodec.decode(wire, 0, wire.length);
        assertFieldsEqual(request, ours);
        assertArrayEquals(wire, CoapCodec.encode(ours));
    }

    @Property(tries = 200)
    void californiumParsesWhatWeEncode(@ForAll("messagesCaliforniumAccepts") CoapMessage m) {
        byte[] wire = CoapCodec.encode(m);
        Message parsed = new UdpDataParser().parseMessage(wire);
        assertFieldsEqual(parsed, m);
    }

    /** Elective options with numbers in Californium's unregistered-but-accepted ranges, any values. */
    @Provide
    Arbitrary<CoapMessage> messagesCaliforniumAccepts() {
        Arbitrary<List<CoapOption>> options = Arbitraries.integers().between(0, 6).flatMap(n -> {
            Arbitrary<Integer> number = Arbitraries.of(1000, 1002, 1004, 2048, 65000, 65004);
            return net.jqwik.api.Combinators.combine(number.list().ofSize(n),
                    CoapGenerators.values().list().ofSize(n)).as((ns, vs) -> {
                        List<CoapOption> out = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            out.add(new CoapOption(ns.get(i), vs.get(i)));
                        }
                        return out;
                    });
        });
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 1),
                Arbitraries.of(1, 2, 3, 4),
                Arbitraries.integers().between(0, 0xffff),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8),
                options, CoapGenerators.payloads()).as(CoapMessage::new);
    }

    private static void assertFieldsEqual(Message cf, CoapMessage ours) {
        assertEquals(cf.getType().value, ours.type());
        assertEquals(cf.getRawCode(), ours.code());
        assertEquals(cf.getMID(), ours.messageId());
        assertArrayEquals(cf.getTokenBytes(), ours.token());
        List<Option> cfOptions = cf.getOptions().asSortedList();
        assertEquals(cfOptions.size(), ours.options().size());
        for (int i = 0; i < cfOptions.size(); i++) {
            assertEquals(cfOptions.get(i).getNumber(), ours.options().get(i).number(), "option " + i);
            assertArrayEquals(cfOptions.get(i).getValue(), ours.options().get(i).value(), "option " + i);
        }
        assertArrayEquals(cf.getPayload() == null ? new byte[0] : cf.getPayload(), ours.payload());
    }
}
