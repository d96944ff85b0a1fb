package org.recsec.km.sad;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An open-addressing hash map from {@code int} to objects, with linear probing and backward-shift deletion, so a
 * lookup neither boxes its key nor allocates. Not thread-safe; the SAD guards it with its lock.
 */
final class IntObjectMap<V> {
    private static final int MIN_CAPACITY = 16;
    private int[] keys;
    private Object[] values;
    private int size;
    private int mask;

    IntObjectMap() {
        keys = new int[MIN_CAPACITY];
        values = new Object[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
    }

    int size() {
        return size;
    }

    private static int slot(int key, int mask) {
        int h = key * 0x9e3779b9; // Fibonacci hashing spreads sequential SPIs
        return (h ^ (h >>> 16)) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(int key) {
        // Reads each array once and derives the mask from it: SaIndex also reads without the lock (validated
        // afterwards), and a read racing a resize must neither index out of bounds nor loop forever; each array
        // is at most half full, so a probe always reaches an empty slot.
        Object[] vs = values;
        int[] ks = keys;
        int m = vs.length - 1;
        if (ks.length != vs.length) {
            return null; // mid-resize: the caller's validation fails and it looks again under the lock
        }
        for (int i = slot(key, m); ; i = (i + 1) & m) {
            Object v = vs[i];
            if (v == null) {
                return null;
            }
            if (ks[i] == key) {
                return (V) v;
            }
        }
    }

    /** Maps {@code key} to the non-null {@code value}; returns the previous value or {@code null}. */
    @SuppressWarnings("unchecked")
    V put(int key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) {
                    resize(keys.length * 2);
                }
                return null;
            }
            if (keys[i] == key) {
                values[i] = value;
                return (V) v;
            }
        }
    }

    @SuppressWarnings("unchecked")
    V remove(int key) {
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                shiftBack(i);
                size--;
                return (V) v;
            }
        }
    }

    /** Backward-shift deletion: moves later members of the probe run into the hole so lookups stay correct. */
    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == null) {
                break;
            }
            int home = slot(keys[i], mask);
            // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        values[hole] = null;
        keys[hole] = 0;
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> action) {
        for (Object v : values.clone()) {
            if (v != null) {
                action.accept((V) v);
            }
        }
    }

    void clear() {
        Arrays.fill(values, null);
        Arrays.fill(keys, 0);
        size = 0;
    }

    private void resize(int capacity) {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldValues[j] != null) {
                for (int i = slot(oldKeys[j], mask); ; i = (i + 1) & mask) {
                    if (values[i] == null) {
                        keys[i] = oldKeys[j];
                        values[i] = oldValues[j];
                        break;
                    }
                }
            }
        }
    }
}
