package org.recsec.cli.demo;

import java.security.SecureRandom;
import java.time.Clock;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.kmp.eap.demo.EapWorld;
import org.recsec.kmp.eap.demo.UePeer;
import org.recsec.record.base.CipherSuite;

/**
 * The EAP bootstrapping KMP (draft-ohba-core-eap-based-bootstrapping, kmp/eap): an AS (RADIUS + EAP-TLS on Bouncy
 * Castle) and an AA (CoAP-EAP, RFC 9820) start on loopback; the client as UE authenticates with EAP-TLS, its
 * EAP-TLS peer being the simulated secure element (default: MSK and EMSK stay on the card, which hands out the
 * Session-Id and the USRK) or Bouncy Castle's TLS client on the host ({@code --ue host}); then it pulls the record
 * SA pair through the server as ApS, which gets the UE's USRK from the AS over a record-sec protected channel. Both
 * ends install their SAs through PF_KEY, of the record profile {@code --profile} names (UE and ApS both configured
 * for it; the pull request carries it and the ApS checks it).
 */
final class EapKmp implements DemoKmp {
    private final SecureRandom random;
    private final CipherSuite suite;
    private final boolean card;
    private final int profile;
    private EapWorld world;

    EapKmp(SecureRandom random, CipherSuite suite, boolean card, int profile) {
        this.random = random;
        this.suite = suite;
        this.card = card;
        this.profile = profile;
    }

    @Override
    public String name() {
        return "eap";
    }

    @Override
    public void establish(Setup s) throws Exception {
        world = EapWorld.attach(random, Clock.systemUTC(), 3600, line -> s.trace().line("  " + line), s.config(),
                s.server(), s.serverSad(), s.serverId(), s.clientSad(), s.clientId(),
                s.capture() == null ? null : c -> new TappingConnector(c, s.capture()),
                card ? UePeer.CARD : UePeer.HOST, profile);
        if (s.capture() != null) {
            // the AA's RADIUS datagrams to and from the AS go to the capture file as well
            world.tapRadius(s.capture()::datagram);
        }
        CoapEapPeer.Result r = world.authenticateUe();
        world.pull(r.ueKeys(), suite, profile);
    }

    @Override
    public void close() {
        if (world != null) {
            try {
                world.close();
            } catch (Exception e) {
                // the demo is over; nothing to report the failure to
            }
        }
    }
}
