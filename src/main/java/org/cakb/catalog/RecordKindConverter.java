package org.cakb.catalog;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
public class RecordKindConverter implements AttributeConverter<RecordKind, String> {
    @Override
    public String convertToDatabaseColumn(RecordKind kind) {
        return kind == null ? null : kind.code;
    }

    @Override
    public RecordKind convertToEntityAttribute(String code) {
        return code == null ? null : RecordKind.fromCode(code)
                .orElseThrow(() -> new IllegalStateException("unknown record kind in database: " + code));
    }
}
