package org.cakb.security;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.PathParam;
import org.cakb.common.DomainException;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;

/** Enforces {@link AccessPolicy} for every call of a {@link Guarded} class; refuses methods that declare no operation. */
@Guarded
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 200)
public class PolicyInterceptor {

    @Inject
    SecurityIdentity identity;
    @Inject
    Access access;

    @AroundInvoke
    Object check(InvocationContext ctx) throws Exception {
        Method method = ctx.getMethod();
        if (!Modifier.isPublic(method.getModifiers())) {
            return ctx.proceed();
        }
        Policy policy = method.getAnnotation(Policy.class);
        if (policy == null) {
            throw new DomainException(DomainException.Kind.FORBIDDEN, "This operation has no access policy and is refused: "
                    + method.getDeclaringClass().getSimpleName() + "." + method.getName());
        }
        if (identity.isAnonymous()) {
            throw new UnauthorizedException();
        }
        access.require(policy.value(), assessmentId(method, ctx.getParameters()));
        return ctx.proceed();
    }

    private static Long assessmentId(Method method, Object[] args) {
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            PathParam path = parameters[i].getAnnotation(PathParam.class);
            if (path != null && "id".equals(path.value()) && args[i] != null) {
                return ((Number) args[i]).longValue();
            }
        }
        return null;
    }
}
