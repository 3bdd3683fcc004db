package org.cakb.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.List;
import java.util.Set;

/** Bean Validation with 400 answers that name each field: "name: must not be blank". */
@ApplicationScoped
public class Validation {

    @Inject
    Validator validator;

    public <T> T check(T value) {
        if (value == null) {
            throw DomainException.invalid("a JSON body is required");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            List<String> details = violations.stream()
                    .map(v -> v.getPropertyPath() + ": " + v.getMessage())
                    .sorted().toList();
            throw new DomainException(DomainException.Kind.INVALID, "invalid input: " + String.join("; ", details), details);
        }
        return value;
    }

    public static DomainException field(String field, String message) {
        return new DomainException(DomainException.Kind.INVALID, "invalid input: " + field + ": " + message,
                List.of(field + ": " + message));
    }
}
