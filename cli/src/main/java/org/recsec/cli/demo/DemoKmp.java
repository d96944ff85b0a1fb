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

    /** Ends whatever the KMP keeps open (a card session); called when the demo ends. */
    default void close() {
    }
}
