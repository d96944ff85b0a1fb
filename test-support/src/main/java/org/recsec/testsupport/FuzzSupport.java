package org.recsec.testsupport;

/** Settings shared by the fuzz targets of this module. */
public final class FuzzSupport {
    /**
     * Only used when fuzzing ({@code JAZZER_FUZZ=1}); plain {@code mvn verify} runs the seeds and regression inputs
     * and ignores it. Long runs pass {@code -Djazzer.internal.arg.1=-max_total_time=SECONDS}, which wins over this
     * (FUZZING.md).
     */
    public static final String MAX_DURATION = "30s";

    private FuzzSupport() {
    }
}
