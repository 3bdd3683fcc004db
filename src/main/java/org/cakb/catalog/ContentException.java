package org.cakb.catalog;

import java.util.List;
import java.util.stream.Collectors;

/** Content could not be loaded; nothing was written. */
public class ContentException extends RuntimeException {

    public final List<ContentProblem> problems;

    public ContentException(List<ContentProblem> problems) {
        super(problems.size() + " problem(s) in content/, nothing loaded:\n"
                + problems.stream().map(ContentProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }
}
