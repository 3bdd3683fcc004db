package org.cakb.assessment;

/** Example response bodies for the OpenAPI document of the assessments and users API. */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String DETAIL = """
            {"id": 12, "name": "Q4 cluster review", "target": "cluster eu-1", "targetLabels": {"env": "prod"},
             "scope": {"areas": ["nistir8176:area/host-os-kernel"], "countermeasures": [], "recommendations": [], "requirements": []},
             "status": "in-progress", "startDate": "2026-11-01", "dueDate": "2026-12-15", "createdBy": "admin",
             "createdAt": "2026-11-01T09:00:00Z", "updatedBy": "alice", "updatedAt": "2026-11-23T10:04:00Z", "assessors": ["alice"],
             "progress": {"total": 40, "assessed": 12, "satisfied": 9, "partiallySatisfied": 1, "notSatisfied": 2,
                          "notApplicable": 0, "notAssessed": 28, "percent": 30},
             "areas": [{"areaId": "nistir8176:area/host-os-kernel", "areaTitle": "Host OS and kernel",
                        "progress": {"total": 8, "assessed": 3, "satisfied": 3, "partiallySatisfied": 0, "notSatisfied": 0,
                                     "notApplicable": 0, "notAssessed": 5, "percent": 37}}],
             "version": 7}""";

    static final String ITEM = """
            {"id": 340, "assessmentId": 12, "position": 1, "requirementId": "nistir8176:req/4.1-1",
             "requirementTitle": "Host OS kernel is hardened", "requirementHash": "9f2c...", "areaId": "nistir8176:area/host-os-kernel",
             "areaTitle": "Host OS and kernel", "result": "satisfied", "justification": "Kernel 6.1 with lockdown=integrity",
             "evidenceText": "Interviewed the platform team", "evidenceLinks": [], "evidenceMethod": "INTERVIEW",
             "waiver": {"reason": "legacy nodes until Q1", "approver": "carol", "expires": "2027-03-31", "state": "approved",
                        "compensatingControls": "nodes isolated in their own VLAN", "requestedBy": "alice",
                        "requestedAt": "2026-11-20T09:00:00Z", "decidedBy": "carol", "decidedAt": "2026-11-21T14:30:00Z",
                        "decisionNote": "accepted until the Q1 migration"},
             "updatedBy": "alice", "updatedAt": "2026-11-23T10:04:00Z", "version": 4, "attachments": []}""";

    static final String ITEM_DETAIL = """
            {"item": {"id": 340, "assessmentId": 12, "position": 1, "requirementId": "nistir8176:req/4.1-1",
                      "result": "satisfied", "evidenceMethod": "EXAMINE", "version": 3, "attachments": []},
             "requirement": {"id": "nistir8176:req/4.1-1", "kind": "requirement", "title": "Host OS kernel is hardened",
                             "provenance": "quoted", "status": "active"},
             "requirementChanged": false, "requirementWithdrawn": false}""";

    static final String ATTACHMENT = """
            {"id": 7, "filename": "sysctl.txt", "contentType": "text/plain", "sizeBytes": 2048, "sha256": "3a7b...",
             "uploadedBy": "alice", "uploadedAt": "2026-11-23T10:03:00Z"}""";

    static final String LINKED_HOSTS = """
            [{"id": 3, "name": "node-eu-1", "linkedBy": "admin", "linkedAt": "2026-11-20T09:00:00Z",
              "latestReportId": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b", "latestReportAt": "2026-11-23T10:00:02Z", "agentVersion": "0.1.0"}]""";

    static final String PROBE_EVIDENCE = """
            {"itemId": 340, "requirementId": "nistir8176:req/a2-no-new-privs", "itemResult": "not-assessed", "itemVersion": 2,
             "hosts": [{"id": 3, "name": "node-eu-1", "latestReportId": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b"}],
             "observations": [{"hostId": 3, "host": "node-eu-1", "checkId": "probe:proc/no-new-privs", "countermeasures": ["cm:no-new-privs"],
                               "status": "pass", "observed": "NoNewPrivs: 1", "expected": "1",
                               "reportId": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b", "finishedAt": "2026-11-23T10:00:02Z", "agentVersion": "0.1.0"}],
             "suggestion": "satisfied", "rule": ["every observation passes"], "fingerprint": "5c1e...", "decisions": []}""";



    static final String PENDING_WAIVERS = """
            [{"assessmentId": 12, "assessmentName": "Q4 cluster review", "itemId": 340, "requirementId": "nistir8176:req/4.1-1",
              "requirementTitle": "Host OS kernel is hardened", "version": 5,
              "waiver": {"reason": "legacy nodes until Q1", "expires": "2027-03-31", "state": "requested",
                         "compensatingControls": "nodes isolated in their own VLAN", "requestedBy": "alice",
                         "requestedAt": "2026-11-20T09:00:00Z"}}]""";
}
