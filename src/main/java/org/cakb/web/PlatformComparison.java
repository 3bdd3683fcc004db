package org.cakb.web;

import java.util.List;

/**
 * The defaults of one platform as the knowledge base documents them (one column per era the content has, e.g. 2016
 * and today) next to the newest measurement of that platform, with the rows where they disagree marked.
 */
public record PlatformComparison(List<Era> eras, Run run, List<Row> rows, long differences) {

    /** A documented era: the versions and date of the platform-default records. */
    public record Era(String versions, String asOf) {
    }

    /** The measured run the "Measured" column comes from. */
    public record Run(String runtime, String runtimeVersion, String kernel, String measuredAt, String agentVersion, String invocation,
                      List<RawValue> raw) {
    }

    public record RawValue(String name, String value) {
    }

    /** A documented default in one era; state "none" when the content has no record for that era. */
    public record Documented(String state, String label, String value, String href) {
        public boolean empty() {
            return "none".equals(state);
        }
    }

    /** What one check observed in the measured run. */
    public record Observed(String check, String status, String observed) {
    }

    /**
     * One countermeasure. {@code comparedWith} names the documented era the measurement was compared with (the newest
     * one with a record); {@code differs} is set when the measured state is another one.
     */
    public record Row(Views.RecordRef countermeasure, List<Documented> documented, String measuredState, String measuredLabel,
                      List<Observed> observed, boolean differs, String comparedWith, String comparedLabel) {
        public boolean measured() {
            return measuredState != null;
        }
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }
}
