package org.cakb.fleet;

/** Fired after measured platform defaults were imported, so views built from them (the matrix) are refreshed. */
public record MeasuredDefaultsImported(int imported) {
}
