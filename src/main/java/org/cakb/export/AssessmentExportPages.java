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
    @Inject
    StigViewerChecklist stigChecklist;
    @Inject
    org.cakb.security.Access access;

    @io.quarkus.qute.CheckedTemplate
    static class Templates {
        static native io.quarkus.qute.TemplateInstance error(org.cakb.security.AccountPages.Nav nav, int status, String message);
    }

    /** A refused download is a page like every other page's error, not a JSON body. */
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response pageError(org.cakb.common.DomainException e) {
        int status = org.cakb.common.ErrorStatus.of(e);
        var nav = new org.cakb.security.AccountPages.Nav(access.username(), access.roles().contains(org.cakb.security.Roles.ADMIN),
                org.cakb.security.Roles.highest(access.roles()));
        return Response.status(status).type("text/html;charset=UTF-8").entity(Templates.error(nav, status, e.getMessage()).render())
                .build();
    }

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

    @GET
    @Path("/checklist.cklb")
    @Produces("application/json")
    @Policy(Operation.LIST_ITEMS)
    public Response stigViewerChecklist(@PathParam("id") long id) {
        return Response.ok(stigChecklist.checklist(id), "application/json").header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"assessment-" + id + "-container-platform-srg.cklb\"").build();
    }
}
