package org.recsec.kmp.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.testsupport.PackageCycles;

/** The ticket KMP's packages depend one way: exchange on the ticket API, both on internal, internal on neither. */
class PackageCyclesTest {
    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), PackageCycles.cycles(TicketIssuer.class));
    }
}
