package org.recsec.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {
    private static Map<String, SortedSet<String>> refs(String... fromTo) {
        Map<String, SortedSet<String>> m = new TreeMap<>();
        for (int i = 0; i < fromTo.length; i += 2) {
            m.computeIfAbsent(fromTo[i], k -> new TreeSet<>()).add(fromTo[i + 1]);
        }
        return m;
    }

    @Test
    void oneWayDependenciesAreNoCycle() {
        assertEquals(List.of(), PackageCycles.cycles(refs("a.Api", "a.internal.Impl", "a.internal.Impl", "a.base.Ex",
                "a.Api", "a.base.Ex")));
    }

    @Test
    void aCycleThroughThreePackagesIsReportedWithItsClassReferences() {
        List<String> c = PackageCycles.cycles(refs("a.Api", "a.internal.Impl", "a.internal.Impl", "a.coap.Msg",
                "a.coap.Msg", "a.Ex", "a.Other", "a.Api"));
        assertEquals(1, c.size(), c::toString);
        assertTrue(c.get(0).startsWith("cycle among [a, a.coap, a.internal]"), c.get(0));
        assertTrue(c.get(0).contains("a.coap.Msg -> a.Ex"), c.get(0));
    }

    @Test
    void foundationTypesCountAsTheirOwnBottomPackage() {
        Map<String, SortedSet<String>> r = refs("a.Api", "a.internal.Impl", "a.internal.Impl", "a.Ex");
        assertEquals(1, PackageCycles.cycles(r).size());
        assertEquals(List.of(), PackageCycles.cycles(r, java.util.Set.of("a.Ex")));
    }

    @Test
    void aFoundationTypeThatReachesUpIsACycle() {
        Map<String, SortedSet<String>> r = refs("a.Api", "a.internal.Impl", "a.internal.Impl", "a.Ex", "a.Ex",
                "a.internal.Impl");
        List<String> c = PackageCycles.cycles(r, java.util.Set.of("a.Ex"));
        assertEquals(1, c.size(), c::toString);
        assertTrue(c.get(0).contains("[foundation] -> a.internal: [a.Ex -> a.internal.Impl]"), c.get(0));
    }

    @Test
    void readsCompiledClasses() {
        // test-support is one package: no cycle (the module checks in record-sec and kmp/ticket read real edges)
        assertEquals(List.of(), PackageCycles.cycles(PackageCycles.class));
    }
}
