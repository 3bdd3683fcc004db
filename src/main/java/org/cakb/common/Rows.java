package org.cakb.common;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.persistence.Tuple;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads with native SQL (the read side of the data-access rule in docs/architecture.md): every row arrives as a
 * {@link Tuple} and the caller maps it by column alias, so no unchecked casts and no positional Object[] indexing.
 */
public final class Rows {

    private Rows() {
    }

    public static <T> List<T> list(EntityManager em, String sql, Map<String, ?> parameters, Function<Tuple, T> mapper) {
        Query query = em.createNativeQuery(sql, Tuple.class);
        parameters.forEach(query::setParameter);
        return ((List<?>) query.getResultList()).stream().map(row -> mapper.apply((Tuple) row)).toList();
    }

    public static <T> List<T> list(EntityManager em, String sql, Function<Tuple, T> mapper) {
        return list(em, sql, Map.of(), mapper);
    }

    /** The one row a query returns (an aggregate, or an INSERT ... RETURNING). */
    public static <T> T one(EntityManager em, String sql, Map<String, ?> parameters, Function<Tuple, T> mapper) {
        Query query = em.createNativeQuery(sql, Tuple.class);
        parameters.forEach(query::setParameter);
        return mapper.apply((Tuple) query.getSingleResult());
    }

    /** Whole rows of a native query mapped to an entity ({@code SELECT * FROM its_table ...}). */
    public static <T> List<T> entities(EntityManager em, String sql, Map<String, ?> parameters, Class<T> entity) {
        Query query = em.createNativeQuery(sql, entity);
        parameters.forEach(query::setParameter);
        return ((List<?>) query.getResultList()).stream().map(entity::cast).toList();
    }

    /** One column of strings. */
    public static List<String> strings(EntityManager em, String sql, Map<String, ?> parameters) {
        return list(em, sql, parameters, row -> row.get(0, String.class));
    }

    public static long count(EntityManager em, String sql, Map<String, ?> parameters) {
        Query query = em.createNativeQuery(sql);
        parameters.forEach(query::setParameter);
        return ((Number) query.getSingleResult()).longValue();
    }

    /** A whole number column that PostgreSQL may type as integer, bigint or numeric. */
    public static long number(Tuple row, String alias) {
        return ((Number) row.get(alias)).longValue();
    }

    /** As {@link #number(Tuple, String)}, for a column that may be NULL. */
    public static Long nullableNumber(Tuple row, String alias) {
        Object value = row.get(alias);
        return value == null ? null : ((Number) value).longValue();
    }

    /** An integer column that may be NULL. */
    public static Integer intOrNull(Tuple row, String alias) {
        Object value = row.get(alias);
        return value == null ? null : ((Number) value).intValue();
    }

    public static String text(Tuple row, String alias) {
        return row.get(alias, String.class);
    }

    /** A timestamp column (timestamptz or timestamp, read as UTC), as the driver and Hibernate hand it over; null stays null. */
    public static OffsetDateTime time(Tuple row, String alias) {
        return time(row.get(alias));
    }

    public static OffsetDateTime time(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt;
        }
        if (value instanceof Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof LocalDateTime local) {
            return local.atOffset(ZoneOffset.UTC);
        }
        return ((Timestamp) value).toInstant().atOffset(ZoneOffset.UTC);
    }
}
