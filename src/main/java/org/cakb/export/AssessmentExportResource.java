package org.cakb.export;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Exports of one assessment for GRC tools, streamed. Readable by everyone who may read the checklist, API tokens included. */
@Path("/api/v1/assessments/{id}")
@Guarded
@Tag(name = "Export")
public class AssessmentExportResource {

    static final String OSCAL_AR = "application/oscal.assessment-results+json";

    @Inject
    OscalAssessmentResults assessmentResults;
    @Inject
    ChecklistCsv checklistCsv;
    @Inject
    org.cakb.common.PublicBaseUrl baseUrl;
    @Inject
    StigViewerChecklist stigChecklist;

    @GET
    @Path("/oscal/assessment-results")
    @Produces({OSCAL_AR, "application/json"})
    @Policy(Operation.LIST_ITEMS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The assessment as an OSCAL 1.0.6 assessment-results document",
            description = "One result: reviewed-controls (the requirements in scope), a finding per checklist item (target: the "
                    + "catalog control's statement; state satisfied for satisfied and not-applicable items, otherwise not-satisfied; "
                    + "the five-valued result in the prop 'result'), observations from the assessors' evidence (EXAMINE or INTERVIEW) "
                    + "and from the latest probe report of each linked host (TEST, origin: the agent as a tool, subject: the host, "
                    + "relevant-evidence: the raw report), probe-evidence decisions as props, waivers as risks. import-ap points to "
                    + "the assessment itself, which stands for the plan. UUIDs are stable across exports of unchanged data. Streamed.")
    @APIResponse(responseCode = "200", description = "The document", content = @Content(mediaType = OSCAL_AR, example = """
            {"assessment-results": {"uuid": "8d0c2f3e-5b1a-5c7e-9f0d-1a2b3c4d5e6f",
              "metadata": {"title": "Assessment results: Q4 cluster review", "last-modified": "2026-11-23T10:00:00Z",
                           "version": "3-2026-11-23T10:00:00Z", "oscal-version": "1.0.6"},
              "import-ap": {"href": "https://kb.example.org/api/v1/assessments/12"},
              "results": [{"uuid": "...", "title": "Q4 cluster review", "description": "...", "start": "2026-11-01T00:00:00Z",
                "reviewed-controls": {"control-selections": [{"include-controls": [{"control-id": "nistir8176-req-a2-no-new-privs"}]}]},
                "observations": [{"uuid": "...", "methods": ["TEST"], "description": "...", "collected": "2026-11-23T09:58:00Z"}],
                "findings": [{"uuid": "...", "title": "No new privileges", "description": "...",
                  "target": {"type": "statement-id", "target-id": "nistir8176-req-a2-no-new-privs_smt", "status": {"state": "satisfied"}}}]}]}}"""))
    @APIResponse(responseCode = "404", description = "No such assessment")
    public Response assessmentResults(@Parameter(description = "assessment id") @PathParam("id") long id,
                                      @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        String base = baseUrl.orFrom(uri.getRequestUri());
        StreamingOutput body = out -> assessmentResults.write(id, out, base);
        return Response.ok(body, OSCAL_AR)
                .header("Content-Disposition", "attachment; filename=\"assessment-" + id + "-results.json\"").build();
    }

    @GET
    @Path("/checklist.csv")
    @Produces("text/csv")
    @Policy(Operation.LIST_ITEMS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The checklist as RFC 4180 CSV (UTF-8, header row, formula-safe cells)",
            description = "One row per item in checklist order: requirement ID, title, area, result, justification, evidence "
                    + "summary (method, text cut at 500 characters, counts of links and attachments), waiver, assessor, updated.")
    @APIResponse(responseCode = "200", description = "The checklist", content = @Content(mediaType = "text/csv", example = """
            "requirement_id","requirement_title","area","result","justification","evidence_summary","waiver","assessor","updated"\r
            "nistir8176:req/a2-no-new-privs","No new privileges","Host OS and kernel","satisfied","Set in the pod template","EXAMINE: values.yaml reviewed [1 link, 0 attachments]","","alice","2026-11-23T10:00:00Z"\r
            """))
    @APIResponse(responseCode = "404", description = "No such assessment")
    public Response checklist(@Parameter(description = "assessment id") @PathParam("id") long id) {
        StreamingOutput body = out -> checklistCsv.write(id, out);
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"assessment-" + id + "-checklist.csv\"").build();
    }

    @GET
    @Path("/checklist.cklb")
    @Produces("application/json")
    @Policy(Operation.LIST_ITEMS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The assessment as a DISA STIG Viewer 3 checklist (.cklb) against the Container Platform SRG",
            description = "One rule per checklist item whose requirement is a DISA Container Platform SRG V1R3 requirement "
                    + "(disa-srg:...): group, rule and SRG ids, severity, CCIs, discussion, check and fix text from the SRG; status "
                    + "from the item's result (satisfied: not_a_finding; not-satisfied or partially-satisfied: open; not-applicable: "
                    + "not_applicable; not assessed: open when a probe on a linked host fails, otherwise not_reviewed); "
                    + "finding_details: result, justification, evidence and the current probe results; comments: assessor and waiver. "
                    + "422 when the assessment has no SRG requirement in scope. Fields: docs/cklb.md.")
    @APIResponse(responseCode = "200", description = "The checklist", content = @Content(mediaType = "application/json", example = """
            {"title": "Q4 cluster review - Container Platform SRG", "id": "2b8e0c7e-4f1a-5d2b-9a3c-0e1f2a3b4c5d",
             "stigs": [{"stig_name": "Container Platform Security Requirements Guide", "display_name": "Container Platform",
               "stig_id": "Container_Platform_SRG", "version": "1", "release_info": "Release: 3 Benchmark Date: 27 Jan 2022",
               "uuid": "...", "reference_identifier": "0000", "size": 1,
               "rules": [{"uuid": "...", "group_id": "V-233127", "rule_id": "SV-233127r601753", "rule_id_src": "SV-233127r601753_rule",
                 "severity": "medium", "rule_version": "SRG-APP-000243-CTR-000595",
                 "rule_title": "The container platform must prohibit containers from accessing privileged resources.",
                 "ccis": ["CCI-001090"], "status": "open", "finding_details": "Result in Container Assurance KB: not-assessed ...",
                 "comments": "Exported from Container Assurance KB assessment 12, requirement disa-srg:srg-app-000243-ctr-000595"}]}],
             "active": false, "mode": 2, "has_path": true,
             "target_data": {"target_type": "Computing", "host_name": "cluster eu-1", "ip_address": "", "mac_address": "", "fqdn": "",
               "comments": "Container Assurance KB assessment 12 (in-progress)", "role": "None", "is_web_database": false,
               "technology_area": "", "web_db_site": "", "web_db_instance": ""}}"""))
    @APIResponse(responseCode = "404", description = "No such assessment")
    @APIResponse(responseCode = "422", description = "The assessment has no DISA SRG requirement in scope")
    public Response stigViewerChecklist(@Parameter(description = "assessment id") @PathParam("id") long id) {
        return Response.ok(stigChecklist.checklist(id), "application/json")
                .header("Content-Disposition", "attachment; filename=\"assessment-" + id + "-container-platform-srg.cklb\"").build();
    }
}
