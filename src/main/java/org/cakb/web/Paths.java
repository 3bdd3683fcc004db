package org.cakb.web;

import org.cakb.catalog.RecordKind;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Stable page URLs: /{kind plural}/{id}; ids are URL-safe by their schema pattern (a-z 0-9 . _ / - :). */
public final class Paths {

    private Paths() {
    }

    public static String record(String kindCode, String id) {
        String plural = RecordKind.fromCode(kindCode).map(k -> k.plural).orElse(kindCode);
        return "/" + plural + "/" + id;
    }

    public static String trace(String id) {
        return "/trace/" + id;
    }

    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
