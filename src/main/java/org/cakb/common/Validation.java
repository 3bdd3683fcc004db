package org.cakb.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bean Validation with 400 answers a person can read: every problem of the input at once, each naming its field in
 * words ("Evidence link 1: each link must be an http(s) URL without spaces", "Justification: must be at most 20000
 * characters"), never a validator's internals ("evidenceLinks[0].&lt;list element&gt;", "size must be between 1 and
 * 2147483647").
 */
@ApplicationScoped
public class Validation {

    @Inject
    Validator validator;

    public <T> T check(T value) {
        List<String> problems = problems(value);
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return value;
    }

    /** Every problem of {@code value}, in plain words, sorted; empty when it is valid. */
    public <T> List<String> problems(T value) {
        if (value == null) {
            return List.of("a JSON body is required");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        return violations.stream().map(v -> label(v.getPropertyPath()) + ": " + message(v)).sorted().distinct().toList();
    }

    /** One INVALID error carrying all of {@code problems}. */
    public static DomainException invalid(List<String> problems) {
        String message = problems.size() == 1 ? "invalid input: " + problems.get(0)
                : "invalid input (" + problems.size() + " problems): " + String.join("; ", problems);
        return new DomainException(DomainException.Kind.INVALID, message, List.copyOf(problems));
    }

    public static DomainException field(String field, String message) {
        return new DomainException(DomainException.Kind.INVALID, "invalid input: " + field + ": " + message,
                List.of(field + ": " + message));
    }

    /** "evidenceLinks[0].&lt;list element&gt;" becomes "Evidence link 1"; "targetLabels" "Target labels". */
    static String label(Path path) {
        List<String> words = new ArrayList<>();
        for (Path.Node node : path) {
            String name = node.getName();
            if (name != null && !name.startsWith("<")) {
                words.add(words(name));
            }
            if (node.getIndex() != null && !words.isEmpty()) {
                int last = words.size() - 1;
                words.set(last, singular(words.get(last)) + " " + (node.getIndex() + 1));
            } else if (node.getKey() != null && !words.isEmpty()) {
                int last = words.size() - 1;
                words.set(last, singular(words.get(last)) + " '" + node.getKey() + "'");
            }
        }
        String label = words.isEmpty() ? "input" : String.join(", ", words);
        return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }

    private static String message(ConstraintViolation<?> v) {
        String constraint = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
        Map<String, Object> attributes = v.getConstraintDescriptor().getAttributes();
        boolean defaultMessage = String.valueOf(attributes.get("message")).startsWith("{");
        if (!defaultMessage) {
            return v.getMessage();
        }
        return switch (constraint) {
            case "NotBlank", "NotNull", "NotEmpty" -> "is required";
            case "Size" -> size(v.getInvalidValue(), (Integer) attributes.get("min"), (Integer) attributes.get("max"));
            case "Pattern" -> "is not in the expected form";
            default -> v.getMessage();
        };
    }

    private static String size(Object value, int min, int max) {
        String unit = value instanceof CharSequence ? "characters" : value instanceof Collection<?> || value instanceof Map<?, ?>
                ? "entries" : "items";
        if (max == Integer.MAX_VALUE) {
            return min <= 1 ? "must not be empty" : "must have at least " + min + " " + unit;
        }
        return min <= 0 ? "must be at most " + max + " " + unit : "must be " + min + " to " + max + " " + unit;
    }

    private static String words(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String singular(String plural) {
        return plural.endsWith("s") && !plural.endsWith("ss") ? plural.substring(0, plural.length() - 1) : plural;
    }
}
