package org.recsec.record.fuzz;

/** Settings shared by the fuzz targets of this module. */
final class FuzzSupport {
    /**
     * Only used when fuzzing ({@code JAZZER_FUZZ=1}); plain {@code mvn verify} runs the seeds and regression inputs
     * and ignores it. Long runs are scripted in FUZZING.md.
     */
    static final String MAX_DURATION = "10m";

    private FuzzSupport() {
    }
}
