package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.security.AssessmentMembership;

/** The assessment side of {@link AssessmentMembership}. */
@ApplicationScoped
public class AssessmentMemberships implements AssessmentMembership {

    @Inject
    EntityManager em;

    @Override
    @Transactional
    public State state(long assessmentId) {
        Assessment a = Assessment.findById(assessmentId);
        if (a == null) {
            return State.MISSING;
        }
        return a.isCompleted() ? State.COMPLETED : State.OPEN;
    }

    @Override
    @Transactional
    public boolean isAssigned(long assessmentId, String username) {
        Number n = (Number) em.createNativeQuery("""
                        SELECT count(*) FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                        WHERE aa.assessment_id = :a AND u.username = :u""")
                .setParameter("a", assessmentId).setParameter("u", username).getSingleResult();
        return n.longValue() > 0;
    }
}
