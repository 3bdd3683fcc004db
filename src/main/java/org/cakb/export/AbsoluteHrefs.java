package org.cakb.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;

import java.io.IOException;

/**
 * Makes every server-relative {@code href} an OSCAL document writes absolute ({@code /api/v1/...} becomes
 * {@code https://kb.example.org/api/v1/...}), so links resolve outside the server; fragment links ({@code #uuid})
 * and links that are already absolute are left alone.
 */
final class AbsoluteHrefs extends JsonGeneratorDelegate {

    private final String base;
    private boolean nextIsHref;

    AbsoluteHrefs(JsonGenerator target, String base) {
        super(target, false);
        this.base = base;
    }

    @Override
    public void writeFieldName(String name) throws IOException {
        nextIsHref = "href".equals(name);
        super.writeFieldName(name);
    }

    @Override
    public void writeStringField(String name, String value) throws IOException {
        writeFieldName(name);
        writeString(value);
    }

    @Override
    public void writeString(String text) throws IOException {
        boolean href = nextIsHref;
        nextIsHref = false;
        super.writeString(href && text != null && text.startsWith("/") && !text.startsWith("//") ? base + text : text);
    }
}
