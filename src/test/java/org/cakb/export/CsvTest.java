package org.cakb.export;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CsvTest {

    private static String row(Object... cells) throws Exception {
        StringWriter out = new StringWriter();
        new Csv(out).row(Arrays.asList(cells));
        return out.toString();
    }

    @Test
    void quotesEveryFieldAndDoublesQuotes() throws Exception {
        assertEquals("\"a\",\"b, c\",\"say \"\"hi\"\"\",\"line1\nline2\",\"\"\r\n", row("a", "b, c", "say \"hi\"", "line1\nline2", null));
    }

    @Test
    void neutralisesFormulas() throws Exception {
        for (String formula : List.of("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR")) {
            assertEquals("\"'" + formula + "\"\r\n", row(formula));
        }
        assertEquals("\"a=b\"\r\n", row("a=b"), "only a leading formula character is neutralised");
    }
}
