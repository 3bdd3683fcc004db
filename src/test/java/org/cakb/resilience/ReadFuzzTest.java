package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import org.cakb.testing.HostileInput;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Hostile query parameters and path ids on the API and the pages; add a new read endpoint to {@link #readCase()}. */
@QuarkusTest
class ReadFuzzTest extends FuzzCases {

    static final int READ_CASES = 160;

    @Test
    void hostileQueryParametersAndPathIdsAreRefusedCleanly() {
        fuzz("reads", READ_CASES, true, () -> {
            for (int i = 0; i < READ_CASES; i++) {
                readCase();
            }
        });
    }

    private void readCase() {
        String hostileId = in.pick(HostileInput.PATH_IDS);
        String raw = in.hostileString();
        String q = encode(raw.length() > 2000 ? raw.substring(0, 2000) : raw);
        String kind = in.pick(List.of("threats", "requirements", "countermeasures", "probes", "platform-defaults", "sources", "controls"));
        String param = in.pick(List.of("page", "size", "status", "provenance", "area", "category", "platform", "updated-since", "state"));
        List<Object[]> reads = List.of(
                new Object[]{"/api/v1/" + kind + "?" + param + "=" + q, null},
                new Object[]{"/api/v1/" + kind + "/" + hostileId, null},
                new Object[]{"/" + kind + "?" + param + "=" + q, null},
                new Object[]{"/" + kind + "/" + hostileId, null},
                new Object[]{"/search?q=" + q, null},
                new Object[]{"/search?q=x&kind=" + q, null},
                new Object[]{"/matrix?" + in.pick(List.of("area", "layer", "platform", "group", "all")) + "=" + q, null},
                new Object[]{"/trace/" + hostileId, null},
                new Object[]{"/api/v1/hosts/" + hostileId, "admin"},
                new Object[]{"/hosts/" + hostileId, adminPages},
                new Object[]{"/hosts/" + victimHost + "/containers/" + hostileId, adminPages},
                new Object[]{"/api/v1/hosts/" + hostileId + "/containers?" + param + "=" + q, "admin"},
                new Object[]{"/api/v1/containers?" + in.pick(List.of("probe", "status", "runtime", "label", "updated-since", "page", "size"))
                        + "=" + q, "admin"},
                new Object[]{"/api/v1/containers/" + hostileId, "admin"},
                new Object[]{"/api/v1/containers/" + hostileId + "/history?probe=" + q, "admin"},
                new Object[]{"/api/v1/drift?since=" + q, "admin"},
                new Object[]{"/fleet/failing?probe=probe:caps/no-cap-sys-admin&" + in.pick(List.of("page", "status", "runtime", "label"))
                        + "=" + q, adminPages},
                new Object[]{"/fleet/failing?" + in.pick(List.of("probe", "countermeasure")) + "=" + q + "&page=" + q, adminPages},
                new Object[]{"/fleet/failing.csv?countermeasure=cm:no-cap-sys-admin&" + in.pick(List.of("status", "runtime", "label"))
                        + "=" + q, adminPages},
                new Object[]{"/api/v1/admin/webhooks/" + hostileId + "/deliveries?" + in.pick(List.of("failures", "limit")) + "=" + q, "admin"},
                new Object[]{"/api/v1/assessments/" + hostileId + "/members", "admin"},
                new Object[]{"/assessments/" + hostileId, assessorPages},
                new Object[]{"/assessments/" + assessmentId + "?result=" + q, assessorPages},
                new Object[]{"/assessments/" + assessmentId + "?evidence=" + q, assessorPages},
                new Object[]{"/assessments/" + assessmentId + "/items/" + itemId, assessorPages},
                new Object[]{"/dashboard?" + param + "=" + q, assessorPages},
                new Object[]{"/api/v1/assessments/" + hostileId + "/items", "assessor"},
                new Object[]{"/api/v1/assessments/" + assessmentId + "/items?area=" + q, "assessor"},
                new Object[]{"/api/v1/assessments/" + hostileId + "/controls", "assessor"},
                new Object[]{"/api/v1/assessments/" + hostileId + "/checklist.cklb", "assessor"},
                new Object[]{"/api/v1/assessments/" + assessmentId + "/checklist.cklb?" + param + "=" + q, "assessor"},
                new Object[]{"/assessments/" + hostileId + "/controls", assessorPages},
                new Object[]{"/controls/" + hostileId, null},
                new Object[]{"/matrix?group=family&" + in.pick(List.of("area", "layer", "platform", "all")) + "=" + q, null},
                new Object[]{"/api/v1/measured-defaults?runtime=" + q, "admin"},
                new Object[]{"/api/v1/me/tokens/" + hostileId + "/revoke", "assessor"},
                new Object[]{"/api/v1/admin/personal-access-tokens/" + hostileId + "/revoke", "admin"},
                new Object[]{"/api/v1/admin/audit?" + in.pick(List.of("action", "actor", "target", "outcome", "since", "until", "page", "size")) + "=" + q, "admin"},
                new Object[]{"/admin/audit?" + in.pick(List.of("action", "actor", "target", "outcome", "page")) + "=" + q, adminPages},
                new Object[]{"/admin/hosts?revoked=" + q, adminPages},
                new Object[]{"/admin/api-tokens?revoked=" + q, adminPages},
                new Object[]{"/admin/assessments/" + hostileId + "/edit", adminPages},
                new Object[]{"/assessments/" + hostileId + "/export/checklist.csv", assessorPages},
                new Object[]{"/assessments/" + hostileId + "/export/checklist.cklb", assessorPages},
                new Object[]{"/assessments/" + hostileId + "/export/oscal-assessment-results.json", assessorPages},
                new Object[]{"/api/v1/assessments/" + assessmentId + "/items/" + itemId + "/attachments/" + hostileId, "assessor"});
        Object[] read = in.pick(reads);
        send("GET " + shorten((String) read[0]), "GET", (String) read[0], read[1], null, null);
    }

}
