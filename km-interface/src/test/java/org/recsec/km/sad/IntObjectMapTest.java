package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The primitive map behaves exactly like a HashMap under random put/remove/get, collisions and growth included. */
class IntObjectMapTest {

    @Property(tries = 200)
    void behavesLikeHashMap(@ForAll @Size(max = 400) List<@IntRange(min = -40, max = 40) Integer> ops) {
        IntObjectMap<String> m = new IntObjectMap<>();
        Map<Integer, String> ref = new HashMap<>();
        int i = 0;
        for (int op : ops) {
            int key = op * 16; // multiples of 16 share low bits: stress probing
            if ((i++ & 3) == 3) {
                assertEquals(ref.remove(key), m.remove(key));
            } else {
                assertEquals(ref.put(key, "v" + i), m.put(key, "v" + i));
            }
            assertEquals(ref.size(), m.size());
            for (int k = -40; k <= 40; k++) {
                assertEquals(ref.get(k * 16), m.get(k * 16), "key " + k * 16);
            }
        }
    }

    @Test
    void manyKeysGrowAndShrink() {
        IntObjectMap<Integer> m = new IntObjectMap<>();
        for (int k = 0; k < 100_000; k++) {
            m.put(k * 7, k);
        }
        for (int k = 0; k < 100_000; k += 2) {
            assertEquals(k, m.remove(k * 7));
        }
        for (int k = 0; k < 100_000; k++) {
            assertEquals(k % 2 == 0 ? null : k, m.get(k * 7));
        }
        assertEquals(50_000, m.size());
    }
}
