package org.recsec.kmp.eap.coapeap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.Hex;
import org.recsec.kmp.eap.demo.DemoPki;
import org.recsec.kmp.eap.tls.EapTlsPeer;
import org.recsec.kmp.eap.tls.EapTlsServerSession;

/**
 * The UE's CoAP-EAP resources under hostile POSTs: malformed payloads (EAP length mismatches, bad information
 * elements, unknown codes) get 4.00 and change nothing, so the real authenticator's conversation still completes.
 * The authenticator is played by the test with our EAP-TLS server session, so every message can be interleaved.
 */
class CoapEapHostileTest {
    private static final Configuration CONFIG;

    static {
        CoapConfig.register();
        UdpConfig.register();
        CONFIG = Configuration.createStandardWithoutFile();
    }

    private CoapServer ue;
    private CoapClient attacker;
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void setUp() {
        ue = new CoapServer(CONFIG);
        ue.addEndpoint(new CoapEndpoint.Builder().setConfiguration(CONFIG)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        ue.start();
        attacker = new CoapClient();
        attacker.setTimeout(10_000L);
    }

    @AfterEach
    void tearDown() {
        attacker.shutdown();
        ue.destroy();
    }

    private CoapResponse post(String path, byte[] payload) throws Exception {
        Request r = Request.newPost();
        r.setURI("coap://127.0.0.1:" + ue.getEndpoints().get(0).getAddress().getPort() + path);
        r.getOptions().setContentFormat(CoapEapPayload.CONTENT_FORMAT);
        r.setPayload(payload);
        return attacker.advanced(r);
    }

    @Test
    void malformedPostsAreRefusedAndTheConversationStillCompletes() throws Exception {
        DemoPki pki = new DemoPki(random, "ue1");
        EapTlsPeer tls = new EapTlsPeer("ue1", pki.clientCredentials(), random, 500);
        CoapEapPeer peer = new CoapEapPeer(tls, ue, "eap");
        // no trigger is sent anywhere useful: the test drives the resources directly
        peer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        EapTlsServerSession server = new EapTlsServerSession(pki.serverCredentials(), random, 500);
        String path = "/eap/s0";
        byte[][] hostile = {
                new byte[0], Hex.decode("01"), Hex.decode("0101000a01"), Hex.decode("01010004"),
                Hex.decode("050100050d"), Hex.decode("0101000501a0"), Hex.decode("0101000501a10519ff"),
                Hex.decode("03010004a1041a0000"), Hex.decode("0101ffff0d20")};
        EapPacket toUe = EapPacket.of(EapPacket.CODE_REQUEST, 3, EapPacket.TYPE_IDENTITY, new byte[0]);
        int steps = 0;
        while (true) {
            for (byte[] h : hostile) {
                CoapResponse bad = post(path, h);
                assertNotNull(bad);
                assertEquals(CoAP.ResponseCode.BAD_REQUEST, bad.getCode(), Hex.encode(h));
            }
            CoapResponse r = post(path, CoapEapPayload.of(toUe).encode());
            assertNotNull(r);
            if (!toUe.isRequest()) {
                assertEquals(CoAP.ResponseCode.CHANGED, r.getCode());
                break;
            }
            assertEquals(CoAP.ResponseCode.CREATED, r.getCode());
            String next = "/" + r.getOptions().getLocationPathString();
            // the old resource is gone
            assertEquals(CoAP.ResponseCode.NOT_FOUND, post(path, CoapEapPayload.of(toUe).encode()).getCode());
            path = next;
            EapPacket fromUe = CoapEapPayload.decode(r.getPayload()).eap();
            toUe = toUe.type() == EapPacket.TYPE_IDENTITY ? server.start(fromUe.identifier() + 1)
                    : server.onResponse(fromUe);
            if (!toUe.isRequest()) {
                toUe = new CoapEapPayload(toUe, 77).eap();
                CoapResponse fin = post(path, new CoapEapPayload(toUe, 77).encode());
                assertEquals(CoAP.ResponseCode.CHANGED, fin.getCode());
                break;
            }
            steps++;
        }
        assertTrue(steps > 3);
        CoapEapPeer.Result result = peer.result().get();
        assertEquals(77, result.sessionLifetimeSeconds());
        assertTrue(result.keys().msk().equalsSecret(server.keys().msk()));
    }

    @Test
    void payloadCodecRefusesWhatItCannotRead() {
        for (String bad : new String[] {"", "010100", "0101000601", "03010004ff", "03010004a104", "03010004a2040104",
                "03010004a1051818", "03010004a1041b0000000000000001", "03010004a10418"}) {
            assertEquals(EapException.Reason.MALFORMED, assertThrows(EapException.class,
                    () -> CoapEapPayload.decode(Hex.decode(bad)), bad).reason(), bad);
        }
        for (long life : new long[] {0, 23, 24, 255, 256, 65535, 65536, 0xffffffffL}) {
            CoapEapPayload p = new CoapEapPayload(EapPacket.result(true, 1), life);
            try {
                assertEquals(life, CoapEapPayload.decode(p.encode()).sessionLifetimeSeconds());
            } catch (EapException e) {
                throw new AssertionError(life + ": " + e.getMessage());
            }
        }
        assertFalse(new CoapEapPayload(EapPacket.result(true, 1), -1).encode().length > 4);
    }
}
