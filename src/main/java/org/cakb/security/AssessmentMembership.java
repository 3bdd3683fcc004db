package org.cakb.security;

/**
 * What the access policy needs to know about an assessment, answered by the assessment package (so security does not
 * depend on it): whether it exists and is completed, and who is assigned to it.
 */
public interface AssessmentMembership {

    enum State { MISSING, OPEN, COMPLETED }

    State state(long assessmentId);

    boolean isAssigned(long assessmentId, String username);

    /** Assigned as an assessor, or granted read access by an admin. */
    boolean isMember(long assessmentId, String username);

    /** The state of an assessment and a person's place in it, read at once (every request on an assessment asks). */
    record Standing(State state, boolean assigned, boolean member) {
    }

    Standing standing(long assessmentId, String username);

    /**
     * The same for deciding a read: may come from memory while nothing about the assessment has changed since it was
     * read (the implementation knows when that is). Writes ask {@link #standing}.
     */
    default Standing standingForReading(long assessmentId, String username) {
        return standing(assessmentId, username);
    }
}
