package org.recsec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.testsupport.PackageCycles;

/**
 * record-sec's packages depend one way (docs/DESIGN.md, "Modules"): {@code internal.wire} &lt; {@code base} &lt;
 * {@code spi} &lt; {@code internal.crypto} &lt; {@code coap} &lt; {@code internal} &lt; the API facade
 * {@code org.recsec.record}. Any edge back up (say {@code coap} using {@code ManualSa}, {@code spi} using
 * {@code RecordProtector}, or {@code internal.crypto} using {@code ProxyUri}) closes a cycle and fails.
 */
class PackageCyclesTest {

    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), PackageCycles.cycles(RecordProtector.class));
    }
}
