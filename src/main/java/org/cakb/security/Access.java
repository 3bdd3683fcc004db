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

    /** Whether the current user may perform the operation (for showing or hiding controls; the server still checks). */
    @Transactional
    public boolean can(AccessPolicy.Operation operation, Long assessmentId) {
        if (identity.isAnonymous()) {
            return false;
        }
        AccessPolicy.Grant grant = AccessPolicy.grant(operation, roles());
        boolean allowed = grant == AccessPolicy.Grant.ALLOW || (grant == AccessPolicy.Grant.IF_ASSIGNED && isAssigned(assessmentId));
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
            return new Permissions(Set.of(), false, AssessmentMembership.State.MISSING);
        }
        AssessmentMembership.State state = assessments.state(assessmentId);
        boolean assigned = state != AssessmentMembership.State.MISSING && assessments.isAssigned(assessmentId, username());
        return new Permissions(Set.copyOf(roles()), assigned, state);
    }

    /** The inputs of {@link #can} for one assessment, read once; {@link #can(AccessPolicy.Operation)} decides in memory. */
    public record Permissions(Set<String> roles, boolean assigned, AssessmentMembership.State state) {
        public boolean can(AccessPolicy.Operation operation) {
            if (roles.isEmpty() || state == AssessmentMembership.State.MISSING) {
                return false;
            }
            AccessPolicy.Grant grant = AccessPolicy.grant(operation, roles);
            boolean allowed = grant == AccessPolicy.Grant.ALLOW || (grant == AccessPolicy.Grant.IF_ASSIGNED && assigned);
            return allowed && (AccessPolicy.rule(operation).whenCompleted() != AccessPolicy.WhenCompleted.READ_ONLY
                    || state == AssessmentMembership.State.OPEN);
        }
    }

    /** Throws 403 (or 404 / 409) unless the current user may perform the operation on the assessment. */
    @Transactional
    public void require(AccessPolicy.Operation operation, Long assessmentId) {
        AccessPolicy.Grant grant = AccessPolicy.grant(operation, roles());
        AssessmentMembership.State state = null;
        if (assessmentId != null) {
            state = assessments.state(assessmentId);
            if (state == AssessmentMembership.State.MISSING) {
                if (grant == AccessPolicy.Grant.DENY) {
                    throw forbidden(operation);
                }
                throw ApiException.notFound("No assessment with id " + assessmentId);
            }
        }
        boolean allowed = switch (grant) {
            case ALLOW -> true;
            case IF_ASSIGNED -> isAssigned(assessmentId);
            case DENY -> false;
        };
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
