package org.cakb.assessment;

import org.cakb.common.DomainException;

/** A save based on an outdated version: carries both what the caller sent and what is stored. */
public class ConflictException extends DomainException {

    public final transient Object yours;
    public final transient AssessmentViews.StoredItem current;

    public ConflictException(String message, Object yours, AssessmentViews.StoredItem current) {
        super(Kind.CONFLICT, message);
        this.yours = yours;
        this.current = current;
    }

    @Override
    public AssessmentViews.Conflict body() {
        return new AssessmentViews.Conflict(409, "Conflict", getMessage(), yours, current);
    }
}
