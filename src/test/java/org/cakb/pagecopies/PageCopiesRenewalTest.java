package org.cakb.pagecopies;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A copy past its lifetime is renewed by one request while the others are still given it; nobody is given it once
 * its data changed or once the grace is over; a renewal that never finishes is handed on. Time is passed in, the
 * copies and revision counters are the application's own.
 */
@QuarkusTest
class PageCopiesRenewalTest {

    private static final long SECOND = 1_000_000_000L;

    @Inject
    PageCopies copies;
    @Inject
    Revisions revisions;

    private String scope() {
        return "test-renewal:" + UUID.randomUUID();
    }

    @Test
    void anAgedCopyIsRenewedByOneRequestWhileTheOthersAreGivenIt() {
        String scope = scope(), key = "renewal|" + scope;
        long born = System.nanoTime();
        SlottedPage first = copies.keep(key, copies.begin(scope), "<p>first</p>", null, born);

        assertSame(first, copies.get(key, born + 29 * SECOND), "a young copy is given");
        long aged = born + 31 * SECOND;
        assertNull(copies.get(key, aged), "the first request after the lifetime renders the successor");
        assertSame(first, copies.get(key, aged + 1), "the others are given the aged copy meanwhile");
        assertSame(first, copies.get(key, aged + SECOND), "still, within the renewal's time");

        SlottedPage second = copies.keep(key, copies.begin(scope), "<p>second</p>", null, aged + SECOND);
        assertSame(second, copies.get(key, aged + 2 * SECOND), "the renewed copy replaces it");
        assertNotNull(copies.get(key, aged + 29 * SECOND));
    }

    @Test
    void aRenewalThatNeverFinishesIsHandedOnAndTheGraceEnds() {
        String scope = scope(), key = "renewal|" + scope;
        long born = System.nanoTime();
        SlottedPage page = copies.keep(key, copies.begin(scope), "<p>page</p>", null, born);
        long aged = born + 31 * SECOND;

        assertNull(copies.get(key, aged), "first renewer");
        assertSame(page, copies.get(key, aged + SECOND));
        assertNull(copies.get(key, aged + 3 * SECOND), "the first renewer did not finish in 2 s: the next one renews");
        assertSame(page, copies.get(key, aged + 4 * SECOND));
        assertNull(copies.get(key, born + 41 * SECOND), "past the grace nobody is given it");
        assertNull(copies.get(key, born + 41 * SECOND + 1), "and it is gone");
    }

    @Test
    void aCopyWhoseDataChangedIsGivenToNobodyEvenDuringARenewal() {
        String scope = scope(), key = "renewal|" + scope;
        long born = System.nanoTime();
        copies.keep(key, copies.begin(scope), "<p>page</p>", null, born);
        long aged = born + 31 * SECOND;
        assertNull(copies.get(key, aged), "renewer");

        revisions.changedHere(scope);

        assertNull(copies.get(key, aged + 1), "changed data: not given while the renewal runs");
        assertNull(copies.get(key, born + SECOND), "nor at any age");
    }
}
