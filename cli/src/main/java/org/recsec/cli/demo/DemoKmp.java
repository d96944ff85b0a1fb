package org.recsec.cli.demo;

import org.recsec.km.sad.SecurityAssociationDatabase;

/**
 * How the demo installs its SA pair: each KMP ends with PF_KEY ADD messages into the two SA databases.
 */
interface DemoKmp {

    /** The end points and their SA databases, after the server is up. */
    record Setup(SecurityAssociationDatabase clientSad, String clientId, SecurityAssociationDatabase serverSad,
                 String serverId, java.net.InetSocketAddress serverAddress, Trace trace,
                 org.eclipse.californium.core.CoapServer server,
                 org.eclipse.californium.elements.config.Configuration config,
                 TappingConnector.Listener capture) {
        /** Without capture: the KMP's own datagrams are not recorded. */
        Setup(SecurityAssociationDatabase clientSad, String clientId, SecurityAssociationDatabase serverSad,
              String serverId, java.net.InetSocketAddress serverAddress, Trace trace,
              org.eclipse.californium.core.CoapServer server,
              org.eclipse.californium.elements.config.Configuration config) {
            this(clientSad, clientId, serverSad, serverId, serverAddress, trace, server, config, null);
        }
    }

    String name();

    /** Installs an SA pair between client and server in both databases. */
    void establish(Setup setup) throws Exception;

    /**
     * True when the KMP's own messages go through the demo's forward proxy (the SE handshake in CoAP messages): the
     * demo then fails if any datagram reaches the server other than through the proxy.
     */
    default boolean throughTheProxy() {
        return false;
    }

    /** The demo's forward proxy, given before {@link #establish} (used by KMPs that go through it). */
    default void proxy(java.net.InetSocketAddress address) {
    }

    /** Ends whatever the KMP keeps open (a card session); called when the demo ends. */
    default void close() {
    }
}
