package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;

import jakarta.transaction.Transactional;

import org.cakb.common.DomainException;

import static org.cakb.assessment.ChecklistRecords.*;

/** Evidence files attached to checklist items. */
@ApplicationScoped
public class ItemAttachments {

    @Transactional
    public AssessmentViews.AttachmentInfo attach(long id, long itemId, String filename, String declaredType, byte[] data, String actor) {
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = findItem(id, itemId);
        Attachments.Checked checked = Attachments.check(filename, declaredType, data);
        ItemAttachment att = new ItemAttachment();
        att.itemId = i.id;
        att.filename = checked.filename();
        att.contentType = checked.contentType();
        att.sizeBytes = data.length;
        att.sha256 = checked.sha256();
        att.data = data;
        att.uploadedBy = actor;
        att.persist();
        HistoryEntry.record(id, i.id, actor, "attachment", null,
                att.filename + " (" + att.contentType + ", " + att.sizeBytes + " bytes, sha256 " + att.sha256 + ")");
        startIfDraft(a, actor);
        return AssessmentViews.AttachmentInfo.of(att);
    }

    @Transactional
    public ItemAttachment attachment(long id, long itemId, long attachmentId) {
        ChecklistItem i = findItem(id, itemId);
        ItemAttachment att = ItemAttachment.findById(attachmentId);
        if (att == null || !att.itemId.equals(i.id)) {
            throw DomainException.notFound("No attachment " + attachmentId + " on item " + itemId);
        }
        att.data.getClass(); // load the bytes inside the transaction
        return att;
    }

}
