package org.cakb.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares which {@link AccessPolicy.Operation} an endpoint performs. The assessment it acts on is the
 * parameter annotated {@code @PathParam("id")}, when there is one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Policy {
    AccessPolicy.Operation value();
}
