package org.cakb.export;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * RFC 4180 CSV: CRLF line ends, every field quoted, quotes doubled. Cells that a spreadsheet would read as a
 * formula (starting with =, +, -, @, tab or carriage return) get a leading apostrophe, so an exported value
 * can never run as a formula (CSV injection).
 */
public final class Csv {

    private final Writer out;

    public Csv(Writer out) {
        this.out = out;
    }

    public Csv row(List<?> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(quote(neutralise(cells.get(i) == null ? "" : cells.get(i).toString())));
        }
        out.write("\r\n");
        return this;
    }

    static String neutralise(String value) {
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            return "'" + value;
        }
        return value;
    }

    static String quote(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
