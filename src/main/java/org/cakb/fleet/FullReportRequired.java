package org.cakb.fleet;

/** A delta report against a state the server does not hold: the agent must send a full report (answered with 409). */
public class FullReportRequired extends RuntimeException {
    public FullReportRequired(String message) {
        super(message);
    }
}
