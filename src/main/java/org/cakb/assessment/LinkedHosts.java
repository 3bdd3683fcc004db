package org.cakb.assessment;

import org.cakb.common.DomainException;
import org.cakb.common.Rows;

import org.cakb.common.Validation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.fleet.FleetHost;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The fleet hosts an assessment is linked to: their latest reports are the probe evidence of its items. */
@ApplicationScoped
public class LinkedHosts {

    @Inject
    EntityManager em;
    @Inject
    Validation validation;

    @Transactional
    public List<EvidenceViews.LinkedHost> list(long id) {
        ChecklistRecords.find(id);
        return Rows.list(em, """
                        SELECT h.id, h.name, ah.linked_by, ah.linked_at, h.state_report_id, h.state_finished_at, h.agent_version
                        FROM assessment_host ah JOIN fleet_host h ON h.id = ah.host_id
                        WHERE ah.assessment_id = :a ORDER BY h.name""", Map.of("a", id),
                r -> new EvidenceViews.LinkedHost(Rows.number(r, "id"), r.get("name", String.class), r.get("linked_by", String.class),
                        Times.of(r.get("linked_at")), r.get("state_report_id") == null ? null : r.get("state_report_id").toString(),
                        Times.of(r.get("state_finished_at")), r.get("agent_version", String.class)));
    }

    /** Makes the links exactly {@code hostIds}; every link and unlink goes to the history. */
    @Transactional
    public List<EvidenceViews.LinkedHost> replace(long id, EvidenceViews.HostLinks req, String actor) {
        validation.check(req);
        Assessment a = ChecklistRecords.lockedAssessment(id);
        ChecklistRecords.requireOpen(a);
        Map<Long, String> wanted = new TreeMap<>();
        for (Long hostId : new TreeSet<>(req.hostIds())) {
            FleetHost host = FleetHost.findById(hostId);
            if (host == null) {
                throw new DomainException(DomainException.Kind.UNPROCESSABLE, "hostIds: no host with id " + hostId + "; nothing was changed",
                        List.of("hostIds: no host with id " + hostId));
            }
            wanted.put(hostId, host.name);
        }
        Map<Long, String> current = new TreeMap<>();
        list(id).forEach(h -> current.put(h.id(), h.name()));
        boolean changed = false;
        for (Map.Entry<Long, String> link : current.entrySet()) {
            if (!wanted.containsKey(link.getKey())) {
                em.createNativeQuery("DELETE FROM assessment_host WHERE assessment_id = :a AND host_id = :h")
                        .setParameter("a", id).setParameter("h", link.getKey()).executeUpdate();
                HistoryEntry.record(id, null, actor, "host unlinked", label(link), null);
                changed = true;
            }
        }
        for (Map.Entry<Long, String> link : wanted.entrySet()) {
            if (!current.containsKey(link.getKey())) {
                em.createNativeQuery("INSERT INTO assessment_host (assessment_id, host_id, linked_by) VALUES (:a, :h, :by)")
                        .setParameter("a", id).setParameter("h", link.getKey()).setParameter("by", actor).executeUpdate();
                HistoryEntry.record(id, null, actor, "host linked", null, label(link));
                changed = true;
            }
        }
        if (changed) {
            a.updatedBy = actor;
            a.updatedAt = OffsetDateTime.now();
        }
        em.flush();
        return list(id);
    }

    private static String label(Map.Entry<Long, String> host) {
        return host.getValue() + " (host " + host.getKey() + ")";
    }
}
