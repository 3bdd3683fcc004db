package org.cakb.export;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** An assessment's checklist as RFC 4180 CSV for spreadsheets: one row per item, in checklist order. */
@ApplicationScoped
public class ChecklistCsv {

    static final List<String> HEADER = List.of("requirement_id", "requirement_title", "area", "result", "justification",
            "evidence_summary", "waiver", "assessor", "updated");

    /** Evidence text longer than this is cut in the summary; the full text is in the API and the OSCAL export. */
    static final int SUMMARY_TEXT_CHARS = 500;

    private static final String ITEMS = """
            SELECT i.requirement_id, i.requirement_title, coalesce(i.area_title, ''), i.result, i.justification,
                   i.evidence_method, i.evidence_text, jsonb_array_length(i.evidence_links),
                   (SELECT count(*) FROM item_attachment t WHERE t.item_id = i.id),
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_reason END,
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_approver END,
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_expires END, i.updated_by, i.updated_at
            FROM checklist_item i WHERE i.assessment_id = ? ORDER BY i.position""";

    @Inject
    AgroalDataSource dataSource;

    public void write(long assessmentId, OutputStream output) throws IOException {
        BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
        Csv csv = new Csv(writer);
        csv.row(HEADER);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement(ITEMS)) {
                select.setFetchSize(OscalAssessmentResults.FETCH_SIZE);
                select.setLong(1, assessmentId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime updated = rs.getObject(14, OffsetDateTime.class);
                        csv.row(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                evidenceSummary(rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9)),
                                waiver(rs.getString(10), rs.getString(11), rs.getObject(12, LocalDate.class), today),
                                rs.getString(13) == null ? "" : rs.getString(13),
                                updated == null ? "" : AssessmentResultsModel.timestamp(updated)));
                    }
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("checklist export of assessment " + assessmentId + " failed", e);
        }
        writer.flush();
    }

    static String evidenceSummary(String method, String text, int links, int attachments) {
        if (text.isBlank() && links == 0 && attachments == 0) {
            return "";
        }
        String cut = text.length() > SUMMARY_TEXT_CHARS ? text.substring(0, SUMMARY_TEXT_CHARS) + "…" : text;
        return method + ": " + cut.strip() + (cut.isBlank() ? "" : " ") + "[" + count(links, "link") + ", "
                + count(attachments, "attachment") + "]";
    }

    static String waiver(String reason, String approver, LocalDate expires, LocalDate today) {
        if (reason == null) {
            return "";
        }
        return (expires.isBefore(today) ? "expired on " : "active until ") + expires + ", approved by " + approver + ": " + reason;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
