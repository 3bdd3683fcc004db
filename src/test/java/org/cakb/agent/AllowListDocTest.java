package org.cakb.agent;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/agent.md's "Allow-list" table states exactly the compiled-in rules, in the same order. */
class AllowListDocTest {

    @Test
    void docTableEqualsCompiledInList() throws Exception {
        String doc = Files.readString(Path.of("docs/agent.md"));
        int start = doc.indexOf("\n## Allow-list\n");
        assertTrue(start >= 0, "docs/agent.md has no '## Allow-list' section");
        int end = doc.indexOf("\n## ", start + 5);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> documented = new ArrayList<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String pattern = cells[1].trim();
            assertTrue(pattern.startsWith("`") && pattern.endsWith("`"), line);
            documented.add(pattern.substring(1, pattern.length() - 1) + " (" + cells[2].trim().replace(" ", "") + ")");
        }
        List<String> compiled = new ArrayList<>();
        for (AllowList.Rule r : AllowList.RULES) {
            compiled.add(r.toString());
        }
        assertEquals(String.join("\n", compiled), String.join("\n", documented),
                "docs/agent.md Allow-list table and AllowList.RULES differ");
    }
}
