package org.recsec.kmp.eap.aa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.coapeap.CoapEapAuthenticator;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.kmp.eap.radius.RadiusClient;
import org.recsec.kmp.eap.testutil.FreeRadius;
import org.recsec.kmp.eap.demo.DemoPki;
import org.recsec.kmp.eap.tls.EapTlsPeer;
import org.recsec.kmp.eap.tls.TlsCredentials;

/**
 * Our UE (Bouncy Castle EAP-TLS peer) and our AA (RADIUS pass-through) authenticate against FreeRADIUS 3.2 with
 * EAP-TLS; the MSK FreeRADIUS sends in MS-MPPE keys equals the one our UE derived.
 */
class FreeRadiusInteropTest {
    private static final String SECRET = "freeradius-test-secret";

    @TempDir
    Path dir;

    /** The AA side of one conversation: Identity request to the UE, then pass-through until the end. */
    static EapPacket authenticate(EapTlsPeer ue, RadiusPassThrough aa) throws Exception {
        EapPacket toUe = EapPacket.of(EapPacket.CODE_REQUEST, 1, EapPacket.TYPE_IDENTITY, new byte[0]);
        while (true) {
            java.util.Optional<EapPacket> next = ue.onPacket(toUe);
            if (next.isEmpty()) {
                return toUe;
            }
            EapPacket fromUe = next.get();
            toUe = aa.forward(fromUe);
            if (toUe.code() == EapPacket.CODE_FAILURE) {
                ue.onPacket(toUe);
            }
        }
    }

    static RadiusPassThrough aa(int port, SecureRandom random) throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        RadiusClient client = new RadiusClient(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                SECRET.getBytes(StandardCharsets.US_ASCII), random, 3000, 3);
        return new RadiusPassThrough(client, "aa.recsec.test");
    }

    @Test
    void ueAndAaAuthenticateAgainstFreeRadiusAndItsMppeKeysAreOurMsk() throws Exception {
        SecureRandom random = new SecureRandom();
        DemoPki pki = new DemoPki(random, "ue1@recsec.test");
        pki.writePem(dir);
        try (FreeRadius fr = FreeRadius.start(dir, SECRET, random)) {
            TlsCredentials ueCreds = new TlsCredentials(List.of(pki.client), pki.clientKey.getPrivate(), pki.ca,
                    java.util.Date::new);
            EapTlsPeer ue = new EapTlsPeer("ue1@recsec.test", ueCreds, random, 1000);
            RadiusPassThrough aa = aa(fr.port(), random);
            EapPacket last = authenticate(ue, aa);
            assertEquals(EapPacket.CODE_SUCCESS, last.code());
            assertTrue(aa.accepted() && ue.succeeded());
            assertTrue(aa.msk().equalsSecret(ue.keys().msk()), "FreeRADIUS's MS-MPPE keys differ from our MSK");
        }
    }

    /** The same over CoAP-EAP: our UE as CoAP-EAP peer, our AA as CoAP-EAP authenticator relaying to FreeRADIUS. */
    @Test
    void ueAndAaOverCoapEapAuthenticateAgainstFreeRadius() throws Exception {
        SecureRandom random = new SecureRandom();
        DemoPki pki = new DemoPki(random, "ue2@recsec.test");
        pki.writePem(dir);
        org.eclipse.californium.core.config.CoapConfig.register();
        org.eclipse.californium.elements.config.UdpConfig.register();
        var config = org.eclipse.californium.elements.config.Configuration.createStandardWithoutFile();
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        org.eclipse.californium.core.CoapServer aaServer = coapServer(config);
        org.eclipse.californium.core.CoapServer ueServer = coapServer(config);
        try (FreeRadius fr = FreeRadius.start(dir, SECRET, random)) {
            CoapEapAuthenticator authenticator = new CoapEapAuthenticator(aaServer, () -> {
                try {
                    return aa(fr.port(), random);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, executor);
            aaServer.start();
            ueServer.start();
            TlsCredentials ueCreds = new TlsCredentials(List.of(pki.client), pki.clientKey.getPrivate(), pki.ca,
                    java.util.Date::new);
            CoapEapPeer peer = new CoapEapPeer(new EapTlsPeer("ue2@recsec.test", ueCreds, random, 1000), ueServer,
                    "eap");
            var aaResult = authenticator.result(ueServer.getEndpoints().get(0).getAddress());
            CoapEapPeer.Result ueResult = peer.start(aaServer.getEndpoints().get(0).getAddress()).get();
            CoapEapAuthenticator.Result r = aaResult.get();
            assertTrue(r.ueConfirmed());
            assertTrue(r.radius().msk().equalsSecret(ueResult.keys().msk()), "FreeRADIUS MPPE keys != UE MSK");
            assertEquals(-1, ueResult.sessionLifetimeSeconds(), "FreeRADIUS sent no Session-Timeout");
        } finally {
            aaServer.destroy();
            ueServer.destroy();
            executor.shutdown();
            assertTrue(executor.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    private static org.eclipse.californium.core.CoapServer coapServer(
            org.eclipse.californium.elements.config.Configuration config) {
        org.eclipse.californium.core.CoapServer s = new org.eclipse.californium.core.CoapServer(config);
        s.addEndpoint(new org.eclipse.californium.core.network.CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        return s;
    }

    @Test
    void freeRadiusRejectsAUeFromAnotherCa() throws Exception {
        SecureRandom random = new SecureRandom();
        DemoPki pki = new DemoPki(random, "ue1@recsec.test");
        pki.writePem(dir);
        DemoPki other = DemoPki.other(random);
        try (FreeRadius fr = FreeRadius.start(dir, SECRET, random)) {
            TlsCredentials intruder = new TlsCredentials(List.of(other.client), other.clientKey.getPrivate(), pki.ca,
                    java.util.Date::new);
            EapTlsPeer ue = new EapTlsPeer("intruder", intruder, random, 1000);
            RadiusPassThrough aa = aa(fr.port(), random);
            EapException e = assertThrows(EapException.class, () -> authenticate(ue, aa));
            assertTrue(e.reason() == EapException.Reason.REJECTED || e.reason() == EapException.Reason.TLS_FAILED,
                    e.reason().toString());
            assertTrue(!aa.accepted());
        }
    }
}
