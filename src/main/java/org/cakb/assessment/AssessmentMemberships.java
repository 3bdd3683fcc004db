package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.Rows;
import org.cakb.security.AssessmentMembership;

import java.util.Map;

/** The assessment side of {@link AssessmentMembership}. */
@ApplicationScoped
public class AssessmentMemberships implements AssessmentMembership {

    @Inject
    EntityManager em;

    @Override
    @Transactional
    public State state(long assessmentId) {
        return standing(assessmentId, "").state();
    }

    @Inject
    org.cakb.pagecopies.Revisions revisions;

    private record Remembered(Standing standing, org.cakb.pagecopies.Revisions.Snapshot snapshot) {
    }

    private static final int MAX_REMEMBERED = 20_000;
    private final java.util.concurrent.ConcurrentHashMap<String, Remembered> remembered = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Remembered per assessment and person while the assessment's scope (its assessors and members included) has not
     * moved: the counters page copies use ({@link AssessmentPageCopies#scopes}), so a change is seen when the copies see
     * it (at once after a write on this replica, within milliseconds of the database's announcement elsewhere).
     */
    @Override
    public Standing standingForReading(long assessmentId, String username) {
        String key = assessmentId + "|" + username;
        Remembered known = remembered.get(key);
        if (known != null && revisions.current(known.snapshot())) {
            return known.standing();
        }
        org.cakb.pagecopies.Revisions.Snapshot snapshot = revisions.snapshot(AssessmentPageCopies.scopes(assessmentId));
        Standing standing = standing(assessmentId, username);
        if (snapshot != null) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(key, new Remembered(standing, snapshot));
        }
        return standing;
    }

    /** One indexed read, not the assessment entity (whose scope and labels are JSON to parse). */
    @Override
    @Transactional
    public Standing standing(long assessmentId, String username) {
        return Rows.one(em, """
                SELECT a.status AS status,
                       EXISTS (SELECT 1 FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                               WHERE aa.assessment_id = a.id AND u.username = :u) AS assigned,
                       EXISTS (SELECT 1 FROM assessment_member m JOIN app_user u ON u.id = m.user_id
                               WHERE m.assessment_id = a.id AND u.username = :u) AS member
                FROM (SELECT CAST(:a AS bigint) AS id) wanted LEFT JOIN assessment a ON a.id = wanted.id""",
                Map.of("a", assessmentId, "u", username), row -> {
                    String status = Rows.text(row, "status");
                    if (status == null) {
                        return new Standing(State.MISSING, false, false);
                    }
                    boolean assigned = Boolean.TRUE.equals(row.get("assigned", Boolean.class));
                    return new Standing(Assessment.COMPLETED.equals(status) ? State.COMPLETED : State.OPEN, assigned,
                            assigned || Boolean.TRUE.equals(row.get("member", Boolean.class)));
                });
    }

    @Override
    @Transactional
    public boolean isAssigned(long assessmentId, String username) {
        return Rows.count(em, """
                SELECT count(*) AS n FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                WHERE aa.assessment_id = :a AND u.username = :u""", Map.of("a", assessmentId, "u", username)) > 0;
    }

    @Override
    @Transactional
    public boolean isMember(long assessmentId, String username) {
        return Rows.count(em, """
                SELECT count(*) AS n FROM app_user u WHERE u.username = :u AND (
                    EXISTS (SELECT 1 FROM assessment_assessor aa WHERE aa.assessment_id = :a AND aa.user_id = u.id)
                    OR EXISTS (SELECT 1 FROM assessment_member m WHERE m.assessment_id = :a AND m.user_id = u.id))""",
                Map.of("a", assessmentId, "u", username)) > 0;
    }
}
