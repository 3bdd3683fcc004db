package org.cakb.catalog;

/** One thing wrong with content/: the file, the field (JSON pointer style) and what is wrong. */
public record ContentProblem(String file, String field, String problem) {
    @Override
    public String toString() {
        return file + (field == null || field.isEmpty() ? "" : ": " + field) + ": " + problem;
    }
}
