package org.cakb.assessment;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** 409 bodies that carry both versions of a conflicting save. */
public class AssessmentExceptionMappers {

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE).entity(e.body()).build();
    }
}
