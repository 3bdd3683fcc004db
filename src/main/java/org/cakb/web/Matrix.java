package org.cakb.web;

import java.util.List;

/** The platform-defaults matrix: countermeasures down, platform versions across, one state per cell. */
public record Matrix(List<Column> columns, List<RowGroup> groups, int rowCount, int cellCount) {

    /** One platform in one era (e.g. Docker ">= 1.10 (2016)" and Docker "29.x" are two columns). */
    public record Column(String platformId, String platformTitle, String versions, String asOf, String platformHref) {
        public String key() {
            return platformId + "\u0000" + versions;
        }
    }

    /** A cell; {@code state} is "none" when no record exists for that countermeasure and column. */
    public record Cell(String state, String symbol, String stateLabel, String evidenceAbbr, String evidenceLabel,
                       String href, String citationUrl, String citationLabel, String tooltip, String value) {
        public boolean empty() {
            return "none".equals(state);
        }
    }

    public record Row(Views.RecordRef countermeasure, String layer, List<Cell> cells) {
    }

    public record RowGroup(String title, String href, List<Row> rows) {
    }

    static String symbol(String state) {
        return switch (state) {
            case "enabled" -> "✔";
            case "partial" -> "◐";
            case "disabled" -> "✘";
            case "not-supported" -> "⊘";
            case "unknown" -> "?";
            default -> "·";
        };
    }

    static String stateLabel(String state) {
        return switch (state) {
            case "enabled" -> "enabled";
            case "partial" -> "partial";
            case "disabled" -> "disabled";
            case "not-supported" -> "not supported";
            case "unknown" -> "unknown";
            default -> "no record";
        };
    }

    static String evidenceAbbr(String evidence) {
        return switch (evidence == null ? "" : evidence) {
            case "documented" -> "D";
            case "source-code" -> "S";
            case "measured" -> "M";
            default -> "";
        };
    }

    static String evidenceLabel(String evidence) {
        return switch (evidence == null ? "" : evidence) {
            case "documented" -> "documented";
            case "source-code" -> "read in source code";
            case "measured" -> "measured";
            default -> "";
        };
    }
}
