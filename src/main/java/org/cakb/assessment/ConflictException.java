package org.cakb.assessment;

import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiException;

/** A save based on an outdated version: carries both what the caller sent and what is stored. */
public class ConflictException extends ApiException {

    public final transient Object yours;
    public final transient AssessmentViews.StoredItem current;

    public ConflictException(String message, Object yours, AssessmentViews.StoredItem current) {
        super(Response.Status.CONFLICT, message);
        this.yours = yours;
        this.current = current;
    }

    public AssessmentViews.Conflict body() {
        return new AssessmentViews.Conflict(409, "Conflict", getMessage(), yours, current);
    }
}
