package org.recsec.californium;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.californium.elements.Definition;
import org.eclipse.californium.elements.EndpointContext;

/**
 * The source context of a verified protected request: the connector's context with {@link RecSec#PEER_ID} and
 * {@link RecSec#SPI} added, both non-critical, so Californium matches the response to the same peer as before.
 *
 * <p>A view, not a copy: {@code MapBasedEndpointContext.addEntries} copies every entry of the connector's context
 * into a new attribute map and scans it for critical entries, once per protected request (about 6 % of a protected
 * server's allocation in StackBench). The merged {@link #entries()} map is built only when someone asks for it.
 */
final class VerifiedSourceContext implements EndpointContext {
    private final EndpointContext source;
    private final String peerId;
    private final Long spi;
    /** The merged entries, built on first use (a benign race: any thread builds the same map). */
    private volatile Map<Definition<?>, Object> entries;

    VerifiedSourceContext(EndpointContext source, String peerId, long spi) {
        this.source = Objects.requireNonNull(source, "source");
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.spi = spi;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Definition<T> definition) {
        if (definition == RecSec.PEER_ID) {
            return (T) peerId;
        }
        if (definition == RecSec.SPI) {
            return (T) spi;
        }
        return source.get(definition);
    }

    @Override
    public <T> String getString(Definition<T> definition) {
        if (definition == RecSec.PEER_ID || definition == RecSec.SPI) {
            return String.valueOf(get(definition));
        }
        return source.getString(definition);
    }

    @Override
    public Map<Definition<?>, Object> entries() {
        Map<Definition<?>, Object> merged = entries;
        if (merged == null) {
            Map<Definition<?>, Object> m = new HashMap<>(source.entries());
            m.put(RecSec.PEER_ID, peerId);
            m.put(RecSec.SPI, spi);
            merged = Collections.unmodifiableMap(m);
            entries = merged;
        }
        return merged;
    }

    @Override
    public boolean hasCriticalEntries() {
        return source.hasCriticalEntries(); // both added entries are non-critical ("*" prefix)
    }

    @Override
    public Principal getPeerIdentity() {
        return source.getPeerIdentity();
    }

    @Override
    public InetSocketAddress getPeerAddress() {
        return source.getPeerAddress();
    }

    @Override
    public String getVirtualHost() {
        return source.getVirtualHost();
    }

    @Override
    public String toString() {
        return source + " recsec peer " + peerId + " SPI " + Long.toHexString(spi);
    }
}
