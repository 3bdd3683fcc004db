package org.cakb.common;

import jakarta.persistence.EntityManager;
import org.hibernate.FlushMode;
import org.hibernate.Session;

/**
 * Makes the current transaction's persistence context read-only for a page that only reads (issue #21): entities it
 * loads are not tracked for changes, and queries do not flush the context first. Without this, every native read of
 * a page full of loaded entities dirty-checked all of them (measured: about 40 % of each such read on the checklist).
 * Call at the start of a {@code @Transactional} GET page method; any write there would be silently dropped, so a page
 * that writes (an audit row, a "last seen") must not use it.
 */
public final class ReadOnlyPages {

    private ReadOnlyPages() {
    }

    public static void begin(EntityManager em) {
        Session session = em.unwrap(Session.class);
        session.setDefaultReadOnly(true);
        session.setHibernateFlushMode(FlushMode.MANUAL);
    }
}
