package org.recsec.examples;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/**
 * A Californium server with a protected resource and a Californium client, on UDP loopback. The record-sec layer
 * sits in both stacks; the application code is plain Californium.
 */
public final class CaliforniumExample {
    static final String CLIENT = "coap://client.example";
    static final String SERVER = "coap://server.example";

    private CaliforniumExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }

    /** Starts the server, sends one protected GET, stops both; returns the text the client received. */
    public static String run() throws Exception {
        // BEGIN californium
        CoapConfig.register();
        UdpConfig.register();
        Configuration config = Configuration.getStandard();
        InMemorySaRegistry clientSas = new InMemorySaRegistry();
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        ManualKeys.installPair(clientSas, CLIENT, serverSas, SERVER, new SecureRandom());

        // server: /hello is protected; requests to it without a valid record get 4.01/4.00
        RecSecConfig serverCfg = RecSecConfig.builder(serverSas, LocalId.of(SERVER)).protectResource("hello").build();
        CoapServer server = new CoapServer(config);
        server.addEndpoint(RecSec.endpointBuilder(serverCfg).setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build());
        server.add(new CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("hello, protected world");
            }
        });
        server.start();
        CoapEndpoint clientEndpoint = RecSec.endpointBuilder(RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build())
                .setConfiguration(config).build();
        CoapClient client = new CoapClient();
        client.setEndpoint(clientEndpoint);
        try {
            int port = server.getEndpoints().get(0).getAddress().getPort();
            // the request is marked for protection towards SERVER's SA
            CoapResponse response = client.advanced(
                    RecSec.protect(Request.newGet().setURI("coap://127.0.0.1:" + port + "/hello"), PeerId.of(SERVER)));
            return response == null ? "no response" : response.getCode() + " " + response.getResponseText();
            // END californium
        } finally {
            client.shutdown();
            server.destroy();
        }
    }
}
