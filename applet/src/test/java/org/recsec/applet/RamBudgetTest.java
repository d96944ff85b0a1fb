package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Map;
import javacard.framework.Applet;
import javacard.framework.JCSystem;
import javacard.security.Key;
import javacard.security.KeyBuilder;
import org.junit.jupiter.api.Test;

/**
 * Counts the RAM the installed applet allocated by walking its object graph (jcardsim's getAvailableMemory is
 * useless): transient arrays by JCSystem.isTransient, and transient keys by their type and size.
 */
class RamBudgetTest extends CardTestBase {

    private long transientBytes;
    private long persistentArrayBytes;
    private final Map<Object, Boolean> seen = new IdentityHashMap<>();

    @Test
    void transientAllocationsFitAFewKilobytes() throws Exception {
        Applet applet = card.applet();
        assertEquals(RecSecApplet.class, applet.getClass());
        walk(applet);
        System.out.printf("applet RAM: %d bytes transient (CLEAR_ON_DESELECT), %d bytes in persistent arrays%n",
                transientBytes, persistentArrayBytes);
        assertEquals(Transients.ramBytes(), transientBytes, "the holder's own accounting");
        assertTrue(transientBytes <= 4096, "RAM " + transientBytes + " > 4096");
        assertTrue(transientBytes >= 1024 + 64, "the I/O buffer alone needs more");
    }

    private void walk(Object o) throws IllegalAccessException {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o.getClass().isArray()) {
            int elem = o instanceof byte[] || o instanceof boolean[] ? 1 : o instanceof short[] ? 2 : 0;
            if (elem > 0) {
                long n = (long) Array.getLength(o) * elem;
                byte kind = JCSystem.isTransient(o);
                if (kind == JCSystem.NOT_A_TRANSIENT_OBJECT) {
                    persistentArrayBytes += n;
                } else {
                    assertEquals(JCSystem.CLEAR_ON_DESELECT, kind);
                    transientBytes += n;
                }
            }
            return;
        }
        if (o instanceof Key k) {
            byte t = k.getType();
            if (t == KeyBuilder.TYPE_AES_TRANSIENT_DESELECT || t == KeyBuilder.TYPE_AES_TRANSIENT_RESET) {
                transientBytes += k.getSize() / 8;
            }
            return;
        }
        if (!o.getClass().getName().startsWith("org.recsec.applet.")) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                f.setAccessible(true);
                walk(f.get(o));
            }
        }
    }
}
