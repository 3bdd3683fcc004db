package org.cakb.assessment;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** An assessment in NIST SP 800-53 Rev. 5 terms, for GRC tools that organise everything by control. */
@Path("/api/v1/assessments/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Guarded
@Tag(name = "Assessments")
public class AssessmentControlsResource {

    @Inject
    ControlRollups rollups;

    @GET
    @Path("/controls")
    @Policy(Operation.VIEW_ASSESSMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The assessment rolled up per SP 800-53 Rev. 5 control",
            description = "One entry per control that at least one checklist item's requirement maps to (content/controls; "
                    + "each mapping has a relationship and a basis: disa-srg, sp800-190-appendix-b or kb-inference). items counts "
                    + "the supporting items by result; status is the worst of them (not-satisfied, partially-satisfied, "
                    + "partially-assessed, not-assessed, satisfied, not-applicable); probes counts the current results on the "
                    + "assessment's linked hosts of the checks that verify a countermeasure mapped to the control or satisfying one "
                    + "of its items. Controls are ordered by family and id.")
    @APIResponse(responseCode = "200", description = "The controls", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ControlViews.ControlResult.class, type = SchemaType.ARRAY), example = """
            [{"control": "sp800-53:sc-4", "controlId": "SC-4", "title": "SC-4 Information in Shared System Resources",
              "family": "SC", "familyTitle": "System and Communications Protection", "status": "not-satisfied",
              "items": {"total": 2, "satisfied": 1, "partiallySatisfied": 0, "notSatisfied": 1, "notApplicable": 0, "notAssessed": 0},
              "probes": {"pass": 14, "fail": 2, "error": 0, "other": 1, "hosts": 3},
              "supportingItems": [{"itemId": 301, "requirement": "disa-srg:srg-app-000243-ctr-000595",
                "title": "SRG-APP-000243-CTR-000595: The container platform must prohibit containers from accessing privileged resources.",
                "result": "not-satisfied", "relationship": "subset-of", "basis": "disa-srg"}]}]"""))
    @APIResponse(responseCode = "404", description = "No such assessment")
    public List<ControlViews.ControlResult> controls(@Parameter(description = "assessment id") @PathParam("id") long id) {
        return rollups.rollup(id);
    }
}
