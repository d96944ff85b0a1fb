package org.recsec.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/**
 * The four Californium stacks that {@link StackBench} and {@link ColdStart} compare, each building its server
 * endpoint (with the keys of every client), its client endpoints and its requests: {@code plain} (no security),
 * {@code recsec} (our layer, profile dtls12, suite c0a8), {@code recsec-compact} (profile compact, suite 1305, 16-bit
 * sequence numbers), {@code oscore} (cf-oscore, AES-CCM-16-64-128) and
 * {@code dtls} (Scandium DTLS 1.2 PSK, TLS_PSK_WITH_AES_128_CCM_8).
 */
final class BenchStacks {
    private BenchStacks() {
    }

    /** The stack named {@code name}: plain, recsec, recsec-compact, oscore or dtls. */
    static Stack stack(String name) {
        return switch (name) {
            case "plain" -> new Plain();
            case "recsec" -> new RecSecStack(false);
            case "recsec-compact" -> new RecSecStack(true);
            case "oscore" -> new Oscore();
            case "dtls" -> new Dtls();
            default -> throw new IllegalArgumentException("stack " + name);
        };
    }

    /** How one stack builds its server endpoint (with the keys of {@code clients} clients), client endpoints and requests. */
    interface Stack {
        default String scheme() {
            return "coap";
        }

        Endpoint serverEndpoint(Configuration config, InetSocketAddress bind, int clients, Random random)
                throws Exception;

        Endpoint clientEndpoint(Configuration config, InetSocketAddress bind, int client, String uri) throws Exception;

        default Request request(String uri) {
            return Request.newGet().setURI(uri);
        }
    }

    private static final class Plain implements Stack {
        @Override
        public Endpoint serverEndpoint(Configuration config, InetSocketAddress bind, int clients, Random random) {
            return new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(bind).build();
        }

        @Override
        public Endpoint clientEndpoint(Configuration config, InetSocketAddress bind, int client, String uri)
                throws Exception {
            return new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(bind).build();
        }
    }

    /** record-sec: one SA pair per client, all server SAs in one registry; dtls12 or compact SAs. */
    private static final class RecSecStack implements Stack {
        private final InMemorySaRegistry serverSas = new InMemorySaRegistry();
        private final List<InMemorySaRegistry> clientSas = new ArrayList<>();
        private final boolean compact;

        RecSecStack(boolean compact) {
            this.compact = compact;
        }

        @Override
        public Endpoint serverEndpoint(Configuration config, InetSocketAddress bind, int clients, Random random) {
            for (int i = 0; i < clients; i++) {
                InMemorySaRegistry c = new InMemorySaRegistry();
                BenchSas.installPair(c, clientId(i), serverSas, StackBench.SERVER_ID, random, 0x10000 + 2 * i,
                        compact);
                clientSas.add(c);
            }
            return RecSec.endpointBuilder(RecSecConfig.builder(serverSas, LocalId.of(StackBench.SERVER_ID)).protectResource("hello")
                    .build()).setConfiguration(config).setInetSocketAddress(bind).build();
        }

        @Override
        public Endpoint clientEndpoint(Configuration config, InetSocketAddress bind, int client, String uri)
                throws Exception {
            return RecSec.endpointBuilder(RecSecConfig.builder(clientSas.get(client), LocalId.of(clientId(client))).build())
                    .setConfiguration(config).setInetSocketAddress(bind).build();
        }

        @Override
        public Request request(String uri) {
            return RecSec.protect(Request.newGet().setURI(uri), PeerId.of(StackBench.SERVER_ID));
        }

        private static String clientId(int i) {
            return "coap://client-" + i + ".bench";
        }
    }

    /** cf-oscore: one security context per client (sender ID = client number), all in the server's context DB. */
    private static final class Oscore implements Stack {
        private final HashMapCtxDB serverDb = new HashMapCtxDB();
        private final List<OSCoreCtx> clientCtxs = new ArrayList<>();

        @Override
        public Endpoint serverEndpoint(Configuration config, InetSocketAddress bind, int clients, Random random)
                throws Exception {
            for (int i = 0; i < clients; i++) {
                byte[] secret = new byte[16];
                random.nextBytes(secret);
                byte[] salt = new byte[8];
                random.nextBytes(salt);
                byte[] clientKid = kid(i);
                serverDb.addContext(ctx(secret, salt, false, new byte[] {0}, clientKid));
                clientCtxs.add(ctx(secret, salt, true, clientKid, new byte[] {0}));
            }
            return new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(bind)
                    .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(serverDb).build();
        }

        @Override
        public Endpoint clientEndpoint(Configuration config, InetSocketAddress bind, int client, String uri)
                throws Exception {
            HashMapCtxDB db = new HashMapCtxDB();
            db.addContext(uri, clientCtxs.get(client));
            return new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(bind)
                    .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
        }

        @Override
        public Request request(String uri) {
            Request r = Request.newGet().setURI(uri);
            r.getOptions().setOscore(new byte[0]);
            return r;
        }

        private static byte[] kid(int i) {
            return new byte[] {(byte) (1 + i / 200), (byte) (i % 200)};
        }

        private static OSCoreCtx ctx(byte[] secret, byte[] salt, boolean client, byte[] sender, byte[] recipient)
                throws Exception {
            return new OSCoreCtx(secret, client, AlgorithmID.AES_CCM_16_64_128, sender, recipient,
                    AlgorithmID.HKDF_HMAC_SHA_256, 32, salt, null, 4096);
        }
    }

    /** Scandium DTLS 1.2 PSK, one identity per client, sessions established during setup. */
    private static final class Dtls implements Stack {
        private final List<byte[]> keys = new ArrayList<>();

        @Override
        public String scheme() {
            return "coaps";
        }

        @Override
        public Endpoint serverEndpoint(Configuration config, InetSocketAddress bind, int clients, Random random) {
            AdvancedMultiPskStore store = new AdvancedMultiPskStore();
            for (int i = 0; i < clients; i++) {
                byte[] k = new byte[16];
                random.nextBytes(k);
                keys.add(k);
                store.setKey("client-" + i, k);
            }
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                    .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8))
                    .setAddress(bind).setAdvancedPskStore(store).build();
            return new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build();
        }

        @Override
        public Endpoint clientEndpoint(Configuration config, InetSocketAddress bind, int client, String uri)
                throws Exception {
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                    .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8))
                    .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                    .setAddress(bind).setAdvancedPskStore(new AdvancedSinglePskStore("client-" + client,
                            keys.get(client))).build();
            return new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build();
        }
    }

}
