package org.cakb.security;


import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiException;

import java.util.Set;

/** The current user and the checks of {@link AccessPolicy} against them. */
@RequestScoped
public class Access {

    @Inject
    SecurityIdentity identity;
    @Inject
    AssessmentMembership assessments;

    public String username() {
        return identity.isAnonymous() ? null : identity.getPrincipal().getName();
    }

    public Set<String> roles() {
        return identity.getRoles();
    }

    @Transactional
    public boolean isAssigned(Long assessmentId) {
        if (assessmentId == null || identity.isAnonymous()) {
            return false;
        }
        return assessments.isAssigned(assessmentId, username());
    }

    @Transactional
    public boolean isMember(Long assessmentId) {
        if (assessmentId == null || identity.isAnonymous()) {
            return false;
        }
        return assessments.isMember(assessmentId, username());
    }

    /**
     * Whether the current user sees every assessment (admins, api-read tokens) rather than only those they are a member
     * of: the lists are filtered with this.
     */
    public boolean seesAllAssessments() {
        return !identity.isAnonymous() && AccessPolicy.grant(AccessPolicy.Operation.VIEW_ASSESSMENT, roles()) == AccessPolicy.Grant.ALLOW;
    }

    /** Whether the current user may perform the operation (for showing or hiding controls; the server still checks). */
    @Transactional
    public boolean can(AccessPolicy.Operation operation, Long assessmentId) {
        if (identity.isAnonymous()) {
            return false;
        }
        AccessPolicy.Grant grant = AccessPolicy.grant(operation, roles());
        boolean allowed = grant == AccessPolicy.Grant.ALLOW || (grant == AccessPolicy.Grant.IF_ASSIGNED && isAssigned(assessmentId))
                || (grant == AccessPolicy.Grant.IF_MEMBER && isMember(assessmentId));
        if (!allowed) {
            return false;
        }
        if (assessmentId != null && AccessPolicy.rule(operation).whenCompleted() == AccessPolicy.WhenCompleted.READ_ONLY) {
            return assessments.state(assessmentId) == AssessmentMembership.State.OPEN;
        }
        return true;
    }

    /**
     * What the current user may do on one assessment, decided with one state read and one assignment read however
     * many controls a page shows (a page asking {@link #can} per control paid two queries per control).
     */
    @Transactional
    public Permissions permissions(long assessmentId) {
        if (identity.isAnonymous()) {
            return new Permissions(Set.of(), false, false, AssessmentMembership.State.MISSING);
        }
        AssessmentMembership.Standing standing = assessments.standingForReading(assessmentId, username());
        return new Permissions(Set.copyOf(roles()), standing.assigned(), standing.member(), standing.state());
    }

    /** The inputs of {@link #can} for one assessment, read once; {@link #can(AccessPolicy.Operation)} decides in memory. */
    public record Permissions(Set<String> roles, boolean assigned, boolean member, AssessmentMembership.State state) {
        public boolean can(AccessPolicy.Operation operation) {
            if (roles.isEmpty() || state == AssessmentMembership.State.MISSING) {
                return false;
            }
            AccessPolicy.Grant grant = AccessPolicy.grant(operation, roles);
            boolean allowed = grant == AccessPolicy.Grant.ALLOW || (grant == AccessPolicy.Grant.IF_ASSIGNED && assigned)
                    || (grant == AccessPolicy.Grant.IF_MEMBER && member);
            return allowed && (AccessPolicy.rule(operation).whenCompleted() != AccessPolicy.WhenCompleted.READ_ONLY
                    || state == AssessmentMembership.State.OPEN);
        }
    }

    /** Operations that only read an assessment: decided from a remembered standing when there is a current one. */
    private static final Set<AccessPolicy.Operation> READS = java.util.EnumSet.of(AccessPolicy.Operation.VIEW_ASSESSMENT,
            AccessPolicy.Operation.LIST_ITEMS, AccessPolicy.Operation.VIEW_ITEM, AccessPolicy.Operation.DOWNLOAD_ATTACHMENT,
            AccessPolicy.Operation.VIEW_HISTORY, AccessPolicy.Operation.VIEW_LINKED_HOSTS, AccessPolicy.Operation.VIEW_PROBE_EVIDENCE);

    /** Throws 403 (or 404 / 409) unless the current user may perform the operation on the assessment. */
    @Transactional
    public void require(AccessPolicy.Operation operation, Long assessmentId) {
        AccessPolicy.Grant grant = AccessPolicy.grant(operation, roles());
        AssessmentMembership.State state = null;
        AssessmentMembership.Standing standing = null;
        if (assessmentId != null) {
            standing = identity.isAnonymous() ? new AssessmentMembership.Standing(assessments.state(assessmentId), false, false)
                    : READS.contains(operation) ? assessments.standingForReading(assessmentId, username())
                    : assessments.standing(assessmentId, username());
            state = standing.state();
            if (state == AssessmentMembership.State.MISSING) {
                if (grant == AccessPolicy.Grant.DENY) {
                    throw forbidden(operation);
                }
                throw ApiException.notFound("No assessment with id " + assessmentId);
            }
        }
        boolean assigned = standing != null && standing.assigned();
        boolean member = standing != null && standing.member();
        boolean allowed = switch (grant) {
            case ALLOW -> true;
            case IF_ASSIGNED -> assigned;
            case IF_MEMBER -> member;
            case DENY -> false;
        };
        if (!allowed && assessmentId != null && grant != AccessPolicy.Grant.DENY && !seesAllAssessments() && !member) {
            // not a member: answer as for a missing assessment, so that its existence is not revealed
            throw ApiException.notFound("No assessment with id " + assessmentId);
        }
        if (!allowed) {
            if (grant == AccessPolicy.Grant.IF_ASSIGNED) {
                throw new ApiException(Response.Status.FORBIDDEN, "You are not assigned to assessment " + assessmentId
                        + "; only its assigned assessors may do this (" + label(operation) + ")");
            }
            throw forbidden(operation);
        }
        if (state == AssessmentMembership.State.COMPLETED
                && AccessPolicy.rule(operation).whenCompleted() == AccessPolicy.WhenCompleted.READ_ONLY) {
            throw new ApiException(Response.Status.CONFLICT, "Assessment " + assessmentId
                    + " is completed and read-only until an admin reopens it");
        }
    }

    private ApiException forbidden(AccessPolicy.Operation operation) {
        return new ApiException(Response.Status.FORBIDDEN, "Your role (" + String.join(", ", roles())
                + ") may not " + label(operation));
    }

    static String label(AccessPolicy.Operation operation) {
        return operation.name().toLowerCase().replace('_', ' ');
    }
}
