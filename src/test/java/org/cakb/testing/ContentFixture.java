package org.cakb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A throw-away content/ directory: the real schemas plus a small, valid chain of fixture records. */
public final class ContentFixture {

    public static final Path REAL_CONTENT = Path.of("content");
    private static final Path FIXTURE_RECORDS = Path.of("src/test/resources/fixtures/content");

    public final Path dir;

    private ContentFixture(Path dir) {
        this.dir = dir;
    }

    public static ContentFixture valid() {
        try {
            Path dir = Files.createTempDirectory("cakb-content-");
            ChildProcesses.copyTree(REAL_CONTENT.resolve("schema"), dir.resolve("schema"));
            ChildProcesses.copyTree(FIXTURE_RECORDS, dir);
            return new ContentFixture(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ContentFixture write(String relativePath, String text) {
        return write(relativePath, text.getBytes(StandardCharsets.UTF_8));
    }

    public ContentFixture write(String relativePath, byte[] bytes) {
        try {
            Path file = dir.resolve(relativePath);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String relativePath) {
        try {
            return Files.readString(dir.resolve(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ContentFixture replace(String relativePath, String from, String to) {
        String text = read(relativePath);
        if (!text.contains(from)) {
            throw new IllegalArgumentException(relativePath + " does not contain " + from);
        }
        return write(relativePath, text.replace(from, to));
    }

    public ContentFixture delete(String relativePath) {
        try {
            Files.delete(dir.resolve(relativePath));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
