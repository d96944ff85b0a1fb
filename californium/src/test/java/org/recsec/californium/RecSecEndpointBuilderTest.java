package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.Test;

/** The guarded connector's receive buffer: 4 MiB when the configuration leaves it to the OS, else as configured. */
class RecSecEndpointBuilderTest {
    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    @Test
    void aReceiveBufferLeftToTheOsBecomesFourMebibytesInACopy() {
        Configuration cfg = Configuration.createStandardWithoutFile();
        assertNull(cfg.get(UdpConfig.UDP_RECEIVE_BUFFER_SIZE));
        Configuration used = RecSecEndpointBuilder.withGuardDefaults(cfg);
        assertEquals(4 * 1024 * 1024, used.get(UdpConfig.UDP_RECEIVE_BUFFER_SIZE));
        assertNull(cfg.get(UdpConfig.UDP_RECEIVE_BUFFER_SIZE), "the caller's configuration is not changed");
        assertEquals(cfg.get(CoapConfig.EXCHANGE_LIFETIME, java.util.concurrent.TimeUnit.MILLISECONDS),
                used.get(CoapConfig.EXCHANGE_LIFETIME, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    @Test
    void aConfiguredReceiveBufferIsKept() {
        Configuration cfg = Configuration.createStandardWithoutFile();
        cfg.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, 65536);
        assertSame(cfg, RecSecEndpointBuilder.withGuardDefaults(cfg));
    }
}
