package org.recsec.applet.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Map;
import javacard.framework.JCSystem;
import javacard.security.Key;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import org.junit.jupiter.api.Test;

/**
 * Counts the RAM and EEPROM the installed IoSE applet allocated by walking its object graph (jcardsim's
 * getAvailableMemory says nothing): transient arrays and transient keys are RAM; persistent arrays and persistent
 * keys (RSA key pairs, the DH modexp key) are EEPROM.
 */
class IoseRamBudgetTest {
    private long ram;
    private long eeprom;
    private final Map<Object, Boolean> seen = new IdentityHashMap<>();

    @Test
    void ramAndEepromAreCounted() throws Exception {
        IoseSimCard card = new IoseSimCard();
        walk(card.applet());
        System.out.printf("IoSE applet: RAM %d bytes (CLEAR_ON_RESET arrays and keys), EEPROM %d bytes (arrays and"
                + " key components; static tables and code not counted)%n", ram, eeprom);
        assertEquals(IoseRam.ramBytes(), ram, "the holder's own accounting");
        // 2 KiB for the session, plus the record SA (issue 18 item 9: 26 bytes and two AES-128 keys)
        assertTrue(ram <= 2048 + 26 + 32, "RAM " + ram + " > 2106");
        assertTrue(eeprom >= 2 * (256 + 256 + 256 + 3), "two RSA-2048 key pairs at least");
    }

    private void walk(Object o) throws IllegalAccessException {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o.getClass().isArray()) {
            if (o instanceof Object[] objs) {
                for (Object x : objs) {
                    walk(x);
                }
                return;
            }
            long n = o instanceof short[] ? 2L * Array.getLength(o) : Array.getLength(o);
            byte kind = JCSystem.isTransient(o);
            if (kind == JCSystem.NOT_A_TRANSIENT_OBJECT) {
                eeprom += n;
            } else {
                assertEquals(JCSystem.CLEAR_ON_RESET, kind);
                ram += n;
            }
            return;
        }
        if (o instanceof KeyPair kp) {
            walk(kp.getPublic());
            walk(kp.getPrivate());
            return;
        }
        if (o instanceof Key k) {
            byte t = k.getType();
            int bytes = k.getSize() / 8;
            if (t == KeyBuilder.TYPE_HMAC_TRANSIENT_RESET) {
                ram += 64; // LENGTH_HMAC_SHA_256_BLOCK_64: a 64-byte key slot (jcardsim reports the size as bits)
            } else if (t == KeyBuilder.TYPE_AES_TRANSIENT_RESET) {
                ram += bytes;
            } else if (t == KeyBuilder.TYPE_RSA_PUBLIC) {
                eeprom += bytes + 3;
            } else {
                eeprom += 2L * bytes;
            }
            return;
        }
        if (!o.getClass().getName().startsWith("org.recsec.applet.iose.")) {
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
