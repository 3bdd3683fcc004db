package org.cakb.export;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import org.cakb.common.PublicBaseUrl;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;

/**
 * The export buttons of the assessment page. The API's exports take HTTP Basic or bearer secrets only (session
 * cookies are stripped from /api), so a signed-in browser downloads the same streamed documents from here.
 */
@Path("/assessments/{id}/export")
@Guarded
public class AssessmentExportPages {

    @Inject
    OscalAssessmentResults assessmentResults;
    @Inject
    ChecklistCsv checklistCsv;
    @Inject
    PublicBaseUrl baseUrl;

    @GET
    @Path("/oscal-assessment-results.json")
    @Produces({AssessmentExportResource.OSCAL_AR, "application/json"})
    @Policy(Operation.LIST_ITEMS)
    public Response assessmentResults(@PathParam("id") long id, @Context UriInfo uri) {
        String base = baseUrl.orFrom(uri.getRequestUri());
        StreamingOutput body = out -> assessmentResults.write(id, out, base);
        return Response.ok(body, AssessmentExportResource.OSCAL_AR).header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"assessment-" + id + "-results.json\"").build();
    }

    @GET
    @Path("/checklist.csv")
    @Produces("text/csv")
    @Policy(Operation.LIST_ITEMS)
    public Response checklist(@PathParam("id") long id) {
        StreamingOutput body = out -> checklistCsv.write(id, out);
        return Response.ok(body, "text/csv; charset=UTF-8").header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"assessment-" + id + "-checklist.csv\"").build();
    }
}
