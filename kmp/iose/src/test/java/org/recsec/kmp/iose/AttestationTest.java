package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * draft-urien-coinrg-iose §8 end to end through the grid: the provider certifies the SE-App key, the user attests
 * and changes the PSK (locking the provider out); a relayed session, a replayed signature, a certificate of another
 * CA, and a certificate copied to another card all fail.
 */
class AttestationTest {
    static final byte[] USER_PSK = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    final SecureRandom random = new SecureRandom();
    final Clock clock = Clock.systemUTC();

    static IoseClient open(int port, String sen, byte[] psk) throws Exception {
        return IoseClient.connect("127.0.0.1", port, sen, TestSes.IDENTITY.getBytes(StandardCharsets.US_ASCII),
                psk, "shell", new SecureRandom(), Duration.ofSeconds(30));
    }

    @Test
    void provisionThenAttestThenProviderIsLockedOut() throws Exception {
        TestCa ca = new TestCa("provider-ca");
        try (IoseGrid grid = new IoseGrid(List.of(TestSes.card("attest-a")), IoseGrid.Config.defaults(),
                System::nanoTime)) {
            int port = grid.start(InetAddress.getLoopbackAddress(), 0);
            try (IoseClient p = open(port, "attest-a", TestSes.PSK)) {
                IoseAttestation.provision(p, "attest-a", ca.keys.getPrivate(), ca.cert, clock, random);
            }
            IoseAttestation.Result r;
            try (IoseClient u = open(port, "attest-a", TestSes.PSK)) {
                r = IoseAttestation.attest(u, "attest-a", ca.cert, USER_PSK, clock, random);
            }
            assertEquals(r.seKey(), r.certificate().getPublicKey());
            // the provider PSK no longer opens a session; the user's does
            IoseClient.IoseTlsException e = assertThrows(IoseClient.IoseTlsException.class,
                    () -> open(port, "attest-a", TestSes.PSK));
            assertEquals(51, e.alert(), "decrypt_error: the binder made with the old PSK fails");
            try (IoseClient u = open(port, "attest-a", USER_PSK)) {
                assertEquals(r.seKey(), new IoseKeystore(u).publicKey(0));
            }
        }
    }

    @Test
    void wrongCaRelayedSessionAndReplayedSignatureFail() throws Exception {
        TestCa ca = new TestCa("provider-ca");
        TestCa other = new TestCa("other-ca");
        try (IoseGrid grid = new IoseGrid(List.of(TestSes.card("attest-b"), TestSes.card("attest-c")),
                IoseGrid.Config.defaults(), System::nanoTime)) {
            int port = grid.start(InetAddress.getLoopbackAddress(), 0);
            try (IoseClient p = open(port, "attest-b", TestSes.PSK)) {
                IoseAttestation.provision(p, "attest-b", ca.keys.getPrivate(), ca.cert, clock, random);
            }
            // certificate from another CA
            try (IoseClient u = open(port, "attest-b", TestSes.PSK)) {
                IoseAttestation.AttestationException e = assertThrows(IoseAttestation.AttestationException.class,
                        () -> IoseAttestation.attest(u, "attest-b", other.cert, USER_PSK, clock, random));
                assertTrue(e.getMessage().contains("provider CA"), e.getMessage());
            }
            byte[] rnd = new byte[32];
            random.nextBytes(rnd);
            // relay: the user's session is with one party, the signature comes from a session the relay opened
            try (IoseClient user = open(port, "attest-b", TestSes.PSK);
                    IoseClient relay = open(port, "attest-c", TestSes.PSK)) {
                IoseKeystore relayKs = new IoseKeystore(relay);
                byte[] sig = relayKs.attest(rnd);
                assertTrue(IoseAttestation.verify(relayKs.publicKey(0), relay.handshakeSecret(), rnd, sig),
                        "the signature is good for the relay's own session");
                assertFalse(IoseAttestation.verify(relayKs.publicKey(0), user.handshakeSecret(), rnd, sig),
                        "but not for the user's session");
            }
            // replay: a signature from an earlier session does not verify in a new one
            byte[] oldSig;
            java.security.PublicKey key;
            try (IoseClient s1 = open(port, "attest-b", TestSes.PSK)) {
                IoseKeystore ks = new IoseKeystore(s1);
                key = ks.publicKey(0);
                oldSig = ks.attest(rnd);
                assertTrue(IoseAttestation.verify(key, s1.handshakeSecret(), rnd, oldSig));
            }
            try (IoseClient s2 = open(port, "attest-b", TestSes.PSK)) {
                assertFalse(IoseAttestation.verify(key, s2.handshakeSecret(), rnd, oldSig));
            }
            // the certificate of B copied onto C (anyone with C's PSK can write it): C cannot sign for B's key
            try (IoseClient b = open(port, "attest-b", TestSes.PSK);
                    IoseClient c = open(port, "attest-c", TestSes.PSK)) {
                new IoseKeystore(c).writeCertificate(new IoseKeystore(b).certificate().orElseThrow().getEncoded());
            }
            try (IoseClient u = open(port, "attest-c", TestSes.PSK)) {
                IoseAttestation.AttestationException e = assertThrows(IoseAttestation.AttestationException.class,
                        () -> IoseAttestation.attest(u, "attest-c", ca.cert, USER_PSK, clock, random));
                assertTrue(e.getMessage().contains("SEN") || e.getMessage().contains("key"), e.getMessage());
            }
            // and no PSK was changed by the failed attempts
            try (IoseClient u = open(port, "attest-b", TestSes.PSK)) {
                assertEquals("E range", u.call("a00"));
            }
        }
    }
}
