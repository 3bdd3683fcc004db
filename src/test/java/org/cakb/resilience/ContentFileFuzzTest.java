package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentException;
import org.cakb.catalog.ContentLoader;
import org.cakb.testing.ContentFixture;
import org.cakb.testing.HostileInput;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** Broken content files (encodings, YAML bombs, hostile ids and tags, junk) through the loader. */
@QuarkusTest
class ContentFileFuzzTest extends FuzzCases {

    static final int CONTENT_FILE_CASES = 60;

    @Inject
    ContentLoader loader;

    @Test
    void brokenContentFilesAreRefusedAndChangeNothing() {
        fuzz("content-files", CONTENT_FILE_CASES, false, () -> contentFiles(CONTENT_FILE_CASES));
    }

    /** Broken content files through the loader: a refused load names a problem and changes nothing. */
    private void contentFiles(int count) {
        List<String> files = List.of("threats/fixture-escape.yaml", "requirements/fixture-req.yaml", "countermeasures/fixture-userns.yaml",
                "sources/fixture-doc.yaml", "probes/fixture-probe.yaml", "platform-defaults/fixture-default.yaml");
        try {
            for (int i = 0; i < count; i++) {
                ContentFixture fixture = ContentFixture.valid();
                String file = in.pick(files);
                String what = mutateContent(fixture, file);
                cases++;
                Map<String, String> before = db.everyTableFingerprint(true);
                try {
                    loader.load(fixture.dir, "fuzz");
                    tables = db.everyTableFingerprint(false);
                } catch (ContentException e) {
                    if (e.problems.isEmpty() || e.problems.stream().anyMatch(p -> p.toString().isBlank())) {
                        failures.add("content " + what + ": refused without a problem description");
                    }
                    Map<String, String> after = db.everyTableFingerprint(true);
                    if (!after.equals(before)) {
                        failures.add("content " + what + ": refused load changed " + changed(before, after));
                    }
                    tables = after;
                } catch (RuntimeException | StackOverflowError e) {
                    failures.add("content " + what + ": loader failed with " + e);
                    tables = db.everyTableFingerprint(false);
                }
            }
        } finally {
            loader.load(ContentFixture.REAL_CONTENT, "fuzz-restore");
            tables = db.everyTableFingerprint(false);
        }
    }

    private String mutateContent(ContentFixture fixture, String file) {
        String original = fixture.read(file);
        switch (in.random().nextInt(10)) {
            case 0 -> {
                fixture.write(file, in.withInvalidUtf8("id: x" + HostileInput.BAD_BYTES_MARK + "\n" + original));
                return file + ": invalid UTF-8";
            }
            case 1 -> {
                StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
                for (char c = 'b'; c <= 'j'; c++) {
                    char p = (char) (c - 1);
                    bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                            .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
                }
                fixture.write(file, original + bomb);
                return file + ": alias bomb";
            }
            case 2 -> {
                fixture.write(file, original + "extra: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n");
                return file + ": deeply nested";
            }
            case 3 -> {
                fixture.write(file, original.replaceFirst("(?m)^id: .*$", "id: " + in.pick(List.of("../../etc/passwd", "threat:../../x",
                        "\"<script>alert(1)</script>\"", "\"'; DROP TABLE kb_record; --\"", "\"\"", "[1, 2]", "{a: 1}"))));
                return file + ": hostile id";
            }
            case 4 -> {
                fixture.write(file, original.replaceFirst("(?m)^title: .*$", "title: " + in.pick(List.of("[1, 2]", "{a: b}", "!!java.lang.Runtime x",
                        "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x.invalid\"]]]]", "~", "12"))));
                return file + ": wrong type or tag for title";
            }
            case 5 -> {
                fixture.write(file, "x".repeat(2_000_000));
                return file + ": 2 MB scalar";
            }
            case 6 -> {
                byte[] junk = new byte[1 + in.random().nextInt(5000)];
                in.random().nextBytes(junk);
                fixture.write(file, junk);
                return file + ": binary junk";
            }
            case 7 -> {
                fixture.write(file.substring(0, file.indexOf('/')) + "/" + in.pick(List.of("..yaml", " .yaml", "<x>.yaml", "a%2f..yaml", "-.yaml")),
                        original);
                return file + ": copy under an odd file name (duplicate id)";
            }
            case 8 -> {
                fixture.write(file, original + original);
                return file + ": duplicate keys";
            }
            default -> {
                fixture.write(file, "");
                return file + ": empty file";
            }
        }
    }

}
