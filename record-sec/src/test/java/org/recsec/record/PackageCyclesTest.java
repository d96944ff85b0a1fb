package org.recsec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.record.internal.Bytes;
import org.recsec.record.internal.RecordHeader;
import org.recsec.testsupport.PackageCycles;

/**
 * record-sec's packages depend one way (docs/DESIGN.md, "Modules"): foundation &lt; internal.crypto &lt; coap &lt;
 * internal &lt; the API facade. The foundation is the SA contract and its vocabulary: leaf types that every layer uses
 * and that still live in the API package (and two in internal) because moving them renames imports in every module.
 * The check proves they are leaves; moving them into one package of their own is then a rename that cannot add a
 * cycle. Any other edge back up (say coap using {@code ManualSa}, or internal.crypto using {@code ProxyUri}) fails.
 */
class PackageCyclesTest {
    static final Set<Class<?>> FOUNDATION = Set.of(RecSecException.class, SecretBytes.class, CipherSuite.class,
            RecordProfile.class, RecordCipher.class, Direction.class, LocalId.class, PeerId.class,
            SecurityAssociation.class, OutboundSa.class, Bytes.class, RecordHeader.class);

    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), PackageCycles.cycles(RecordProtector.class, FOUNDATION));
    }

    @Test
    void withoutTheFoundationTheFacadeAndItsLayersWouldCycle() {
        // the check sees this module's edges: counting the foundation as part of the API package is a cycle
        assertEquals(1, PackageCycles.cycles(RecordProtector.class).size());
    }
}
