package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.cakb.common.Rows;
import org.cakb.common.Validation;
import org.cakb.security.AppUser;
import org.cakb.security.AuditTrail;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.cakb.assessment.ChecklistRecords.*;

/**
 * Read membership of an assessment: the accounts (viewers, and assessors who are not assigned) an admin granted it to.
 * Assigned assessors are members without a grant. Every grant and revocation is an assessment history row and an audit
 * event.
 */
@ApplicationScoped
public class AssessmentMembers {

    @Inject
    EntityManager em;
    @Inject
    Validation validation;
    @Inject
    AuditTrail audit;

    public record Member(String username, String roles, String grantedBy, OffsetDateTime grantedAt) {
    }

    /** The assessment's granted members, and its assessors (members by assignment). */
    public record Members(long assessmentId, List<Member> granted, List<String> assessors) {
    }

    /** Replaces the granted members: each name an existing account. */
    public record MemberUpdate(@NotNull @Size(max = 500) List<@NotBlank @Size(max = 100) String> members) {
    }

    @Transactional
    public Members members(long id) {
        find(id);
        List<Member> granted = Rows.list(em, """
                SELECT u.username AS username, u.roles AS roles, m.granted_by AS granted_by, m.granted_at AS granted_at
                FROM assessment_member m JOIN app_user u ON u.id = m.user_id WHERE m.assessment_id = :a ORDER BY u.username""",
                Map.of("a", id), row -> new Member(row.get("username", String.class), row.get("roles", String.class),
                        row.get("granted_by", String.class), Times.of(row.get("granted_at"))));
        List<String> assessors = Rows.strings(em, """
                SELECT u.username FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                WHERE aa.assessment_id = :a ORDER BY u.username""", Map.of("a", id));
        return new Members(id, granted, assessors);
    }

    @Transactional
    public Members replace(long id, MemberUpdate req, String actor) {
        validation.check(req);
        lockedAssessment(id);
        TreeSet<String> wanted = new TreeSet<>();
        List<AppUser> users = new ArrayList<>();
        for (String name : req.members()) {
            String n = name.strip();
            if (!wanted.add(n)) {
                continue;
            }
            AppUser u = AppUser.findByUsername(n);
            if (u == null) {
                throw Validation.field("members", "no user '" + n + "'");
            }
            users.add(u);
        }
        TreeSet<String> before = new TreeSet<>(members(id).granted().stream().map(Member::username).toList());
        for (String gone : before) {
            if (!wanted.contains(gone)) {
                em.createNativeQuery("DELETE FROM assessment_member m USING app_user u WHERE u.id = m.user_id "
                        + "AND m.assessment_id = :a AND u.username = :u").setParameter("a", id).setParameter("u", gone).executeUpdate();
                audit.record(AuditTrail.MEMBERSHIP_REVOKE, actor, "assessment:" + id, true, "revoked read access of " + gone);
            }
        }
        for (AppUser u : users) {
            if (!before.contains(u.username)) {
                em.createNativeQuery("INSERT INTO assessment_member (assessment_id, user_id, granted_by) VALUES (:a, :u, :by)")
                        .setParameter("a", id).setParameter("u", u.id).setParameter("by", actor).executeUpdate();
                audit.record(AuditTrail.MEMBERSHIP_GRANT, actor, "assessment:" + id, true, "granted read access to " + u.username);
            }
        }
        if (!before.equals(wanted)) {
            HistoryEntry.record(id, null, actor, "members", String.join(", ", before), String.join(", ", wanted));
        }
        return members(id);
    }
}
