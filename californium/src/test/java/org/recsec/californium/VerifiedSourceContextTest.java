package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.Definition;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MapBasedEndpointContext;
import org.eclipse.californium.elements.UdpEndpointContext;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.PeerId;

/** The verified request's source context: the connector's entries as they were, plus the peer and the SPI. */
class VerifiedSourceContextTest {
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5683);
    /** Definitions are registered once per name (Californium refuses a second one). */
    private static final Definition<String> CRITICAL_KEY = new Definition<>("RECSEC_TEST_CRITICAL", String.class,
            MapBasedEndpointContext.ATTRIBUTE_DEFINITIONS);
    private static final Definition<String> OTHER_KEY = new Definition<>("*RECSEC_TEST_OTHER", String.class,
            MapBasedEndpointContext.ATTRIBUTE_DEFINITIONS);

    @Test
    void addsPeerAndSpiAndKeepsTheConnectorsEntries() {
        UdpEndpointContext source = new UdpEndpointContext(FROM);
        VerifiedSourceContext ctx = new VerifiedSourceContext(source, "client-7", 0x1a2bL);

        assertEquals("client-7", ctx.get(RecSec.PEER_ID));
        assertEquals(0x1a2bL, ctx.get(RecSec.SPI));
        assertEquals(source.get(UdpEndpointContext.KEY_PLAIN), ctx.get(UdpEndpointContext.KEY_PLAIN));
        assertEquals(source.getString(UdpEndpointContext.KEY_PLAIN), ctx.getString(UdpEndpointContext.KEY_PLAIN));
        assertEquals("6699", ctx.getString(RecSec.SPI));
        assertSame(FROM, ctx.getPeerAddress());
        assertEquals(source.getPeerIdentity(), ctx.getPeerIdentity());
        assertEquals(source.getVirtualHost(), ctx.getVirtualHost());

        Map<Definition<?>, Object> entries = ctx.entries();
        assertEquals(source.entries().size() + 2, entries.size());
        assertTrue(source.entries().entrySet().stream()
                .allMatch(e -> e.getValue().equals(entries.get(e.getKey()))));
        assertEquals("client-7", entries.get(RecSec.PEER_ID));
        assertEquals(0x1a2bL, entries.get(RecSec.SPI));
        assertThrows(UnsupportedOperationException.class, () -> entries.put(RecSec.PEER_ID, "other"));
    }

    @Test
    void addsNoCriticalEntryAndAnswersAbsentDefinitionsWithNull() {
        EndpointContext critical = new MapBasedEndpointContext(FROM, null,
                new MapBasedEndpointContext.Attributes().add(CRITICAL_KEY, "x"));
        assertTrue(new VerifiedSourceContext(critical, "p", 300).hasCriticalEntries());
        EndpointContext nonCritical = new MapBasedEndpointContext(FROM, null,
                new MapBasedEndpointContext.Attributes().add(OTHER_KEY, "y"));
        assertFalse(nonCritical.hasCriticalEntries());
        VerifiedSourceContext plain = new VerifiedSourceContext(nonCritical, "p", 300);
        assertFalse(plain.hasCriticalEntries());
        assertEquals("y", plain.getString(OTHER_KEY));
        assertNull(plain.get(CRITICAL_KEY));
    }

    @Test
    void authenticatedPeerReadsIt() {
        Request r = new Request(CoAP.Code.GET);
        r.setSourceContext(new VerifiedSourceContext(new UdpEndpointContext(FROM), "client-7", 0x1a2bL));
        AuthenticatedPeer peer = RecSec.authenticatedPeer(r).orElseThrow();
        assertEquals(PeerId.of("client-7"), peer.peerId());
        assertEquals(0x1a2bL, peer.spi());
        Request unverified = new Request(CoAP.Code.GET);
        unverified.setSourceContext(new UdpEndpointContext(FROM));
        assertTrue(RecSec.authenticatedPeer(unverified).isEmpty());
    }
}
