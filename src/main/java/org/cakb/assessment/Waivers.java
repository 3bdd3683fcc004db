package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import jakarta.transaction.Transactional;

import org.cakb.common.Validation;

import java.util.Map;

import static org.cakb.assessment.ChecklistRecords.*;

/** Waivers on checklist items. */
@ApplicationScoped
public class Waivers {

    @Inject
    Validation validation;
    @Inject
    ChecklistItems items;
    @Inject
    EntityManager em;

    @Transactional
    public AssessmentViews.Item setWaiver(long id, long itemId, AssessmentViews.WaiverUpdate req, String actor) {
        validation.check(req);
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != req.version()) {
            throw conflict(i, req);
        }
        boolean changed = change(a, i, actor, "waiverReason", i.waiverReason, req.reason().strip())
                | change(a, i, actor, "waiverApprover", i.waiverApprover, req.approver().strip())
                | change(a, i, actor, "waiverExpires", str(i.waiverExpires), str(req.expires()));
        if (changed) {
            i.waiverReason = req.reason().strip();
            i.waiverApprover = req.approver().strip();
            i.waiverExpires = req.expires();
            touch(i, actor);
            startIfDraft(a, actor);
        }
        em.flush();
        return items.viewOf(i);
    }

    @Transactional
    public AssessmentViews.Item clearWaiver(long id, long itemId, long version, String actor) {
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != version) {
            throw conflict(i, Map.of("version", version, "waiver", "remove"));
        }
        if (i.hasWaiver()) {
            change(a, i, actor, "waiverReason", i.waiverReason, null);
            change(a, i, actor, "waiverApprover", i.waiverApprover, null);
            change(a, i, actor, "waiverExpires", str(i.waiverExpires), null);
            i.waiverReason = null;
            i.waiverApprover = null;
            i.waiverExpires = null;
            touch(i, actor);
        }
        em.flush();
        return items.viewOf(i);
    }

}
