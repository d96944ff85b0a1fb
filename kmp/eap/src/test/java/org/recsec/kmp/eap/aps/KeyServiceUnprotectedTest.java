package org.recsec.kmp.eap.aps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.as.EapSession;
import org.recsec.kmp.eap.as.SessionStore;
import org.recsec.record.base.SecretBytes;

/**
 * The key service deployed by mistake on an endpoint without record-sec: a well-formed request for a live session
 * from a served ApS still gets no USRK (4.01), because no record SA authenticated it.
 */
class KeyServiceUnprotectedTest {
    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    @Test
    void aRequestNoRecordSaAuthenticatedGetsNoKey() throws Exception {
        SessionStore sessions = new SessionStore(Clock.systemUTC(), 4);
        byte[] sid = new byte[65];
        Arrays.fill(sid, (byte) 7);
        sid[0] = 0x0D;
        sessions.put(new EapSession("ue.recsec.test", sid, SecretBytes.copyOf(new byte[64]),
                Clock.systemUTC().millis() / 1000 + 600));
        Configuration config = Configuration.createStandardWithoutFile();
        CoapServer server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        server.add(new KeyService(sessions, Set.of("aps.recsec.test"), Clock.systemUTC()));
        server.start();
        CoapClient c = new CoapClient("coap://127.0.0.1:" + server.getEndpoints().get(0).getAddress().getPort() + "/"
                + KeyService.PATH);
        c.setTimeout(10_000L);
        try {
            CoapResponse r = c.post(new PullMessages.KeyRequest("aps.recsec.test", "ue.recsec.test", sid).encode(),
                    MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            assertNotNull(r);
            assertEquals(CoAP.ResponseCode.UNAUTHORIZED, r.getCode());
            assertTrue(r.getResponseText().contains("not protected by a record SA"), r.getResponseText());
        } finally {
            c.shutdown();
            server.destroy();
        }
    }
}
