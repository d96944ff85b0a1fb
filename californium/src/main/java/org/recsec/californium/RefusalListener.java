package org.recsec.californium;

/**
 * Told about every message record-sec refuses; register it with {@link RecSecConfig.Builder#onRefusal}. Called on
 * Californium's threads, possibly concurrently: keep it short and thread-safe, and do not throw.
 */
@FunctionalInterface
public interface RefusalListener {
    void onRefusal(RecSecRefusal refusal);
}
