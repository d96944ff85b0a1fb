package org.recsec.km;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.testsupport.PackageCycles;

/** km-interface's packages (pfkey, sad, keyd, setkey) depend one way. */
class PackageCyclesTest {
    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), PackageCycles.cycles(SecurityAssociationDatabase.class, "org.recsec.km", Set.of()));
    }
}
