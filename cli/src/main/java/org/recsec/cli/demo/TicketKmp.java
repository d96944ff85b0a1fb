package org.recsec.cli.demo;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.exchange.AuthzInfoResource;
import org.recsec.kmp.ticket.exchange.InstalledPair;
import org.recsec.kmp.ticket.exchange.TicketExchange;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * The ticket KMP (draft-garcia §4, ACE-style): an authorization server mints a CWT for the server; the client
 * POSTs it with a nonce to the server's /authz-info; both derive the SA pair and ADD it through PF_KEY.
 */
final class TicketKmp implements DemoKmp {
    private final SecureRandom random;
    private final CipherSuite suite;
    private final String profile;

    /** @param profile the record profile the ticket names ({@link TicketSaParameters#RECORD_PROFILES}) */
    TicketKmp(SecureRandom random, CipherSuite suite, String profile) {
        this.random = random;
        this.suite = suite;
        this.profile = profile;
    }

    @Override
    public String name() {
        return "ticket";
    }

    @Override
    public void establish(Setup s) throws Exception {
        byte[] asKeyBytes = new byte[16];
        random.nextBytes(asKeyBytes);
        AsKey asKey = AsKey.of("demo-as".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                SecretBytes.copyOf(asKeyBytes));
        java.util.Arrays.fill(asKeyBytes, (byte) 0);
        SadSession serverSession = s.serverSad().openSession(pushed -> { });
        s.server().add(new AuthzInfoResource(TicketExchange.rsHandler(asKey, serverSession, s.serverId(), random,
                Clock.systemUTC())));
        CoapClient coap = new CoapClient();
        coap.setEndpoint(new CoapEndpoint.Builder().setConfiguration(s.config())
                .setInetSocketAddress(new InetSocketAddress(s.serverAddress().getAddress().getLoopbackAddress(), 0))
                .build());
        coap.setTimeout(10_000L);
        try (SadSession clientSession = s.clientSad().openSession(pushed -> { })) {
            s.trace().line("  AS -> client: a CWT (COSE_Encrypt0, AES-CCM-16-64-128) for aud " + s.serverId()
                    + " with a fresh cnf key");
            InstalledPair pair = TicketExchange.establish(asKey, new TicketSaParameters(suite, profile, 0, 0, 0, 0,
                    TicketSaParameters.DEFAULT_REPLAY_WINDOW), Duration.ofHours(1),
                    clientSession, s.clientId(), coap, s.serverId(), random, Clock.systemUTC());
            s.trace().line(String.format("  client -> server POST /authz-info {ticket, N1, client SPI 0x%x};"
                    + " server -> client 2.01 {N2, server SPI 0x%x}", pair.clientInboundSpi(), pair.serverInboundSpi()));
            s.trace().line("  both: HKDF-SHA256(cnf key, N1 || N2) -> SA pair, PF_KEY GETSPI/UPDATE/ADD into each SAD ("
                    + pair.suite() + ")");
        } finally {
            coap.shutdown();
        }
    }
}
