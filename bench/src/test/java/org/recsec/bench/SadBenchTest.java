package org.recsec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.Direction;
import org.recsec.record.spi.SecurityAssociation;

/** SadBench's lookups find the SA they ask for, and its SPIs are distinct and outside the reserved range. */
class SadBenchTest {

    @Test
    void everyLookupFindsItsSa() throws Exception {
        SadBench b = new SadBench();
        b.sas = 2000;
        b.setUp();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < b.sas; i++) {
            SecurityAssociation sa = b.lookup();
            assertEquals(Direction.INBOUND, sa.direction());
            assertEquals(LocalId.of(SadBench.SERVER), sa.localId());
            seen.add(sa.spi());
        }
        assertEquals(b.sas, seen.size(), "one pass of the shuffled order visits every SA once");
        SecurityAssociationDatabase sad = b.sad();
        assertEquals(b.sas, sad.size());
        RecSecException e = assertThrows(RecSecException.class, () -> sad.inbound(SadBench.spi(b.sas)));
        assertEquals(RecSecException.Reason.UNKNOWN_SA, e.reason());
        b.tearDown();
    }

    @Test
    void spisAreDistinctForAMillionSas() {
        Set<Long> spis = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            spis.add(SadBench.spi(i));
        }
        assertEquals(1_000_000, spis.size());
    }
}
