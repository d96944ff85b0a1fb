package org.recsec.km.fuzz;

import java.security.Permission;

/**
 * While installed, every host name lookup ({@code InetAddress} resolving a name rather than reading a literal)
 * throws a {@link SecurityException}, which the fuzz targets report as a finding: the endpoint parsers promise to
 * take IP literals only and never to ask the name service about text from a message or a setkey file. Literal
 * addresses need no lookup and pass. Everything else stays allowed.
 */
@SuppressWarnings("removal")
final class NoNameLookups extends SecurityManager {
    private static SecurityManager previous;

    static synchronized void install() {
        previous = System.getSecurityManager();
        System.setSecurityManager(new NoNameLookups());
    }

    static synchronized void uninstall() {
        System.setSecurityManager(previous);
    }

    @Override
    public void checkConnect(String host, int port) {
        if (port == -1) {
            throw new SecurityException("name lookup of '" + host + "'");
        }
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        checkConnect(host, port);
    }

    @Override
    public void checkPermission(Permission perm) {
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }
}
