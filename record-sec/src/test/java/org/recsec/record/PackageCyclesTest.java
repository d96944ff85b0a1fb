package org.recsec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.testsupport.PackageCycles;

/** record-sec's packages depend one way (docs/DESIGN.md, "Modules"). */
class PackageCyclesTest {
    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), PackageCycles.cycles(RecordProtector.class));
    }
}
