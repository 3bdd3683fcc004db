package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Hostile attachment uploads: raw API uploads (file names, content types, bytes) and multipart page uploads. */
@QuarkusTest
class UploadFuzzTest extends FuzzCases {

    static final int RAW_UPLOAD_CASES = 40;
    static final int MULTIPART_CASES = 30;

    @Test
    void hostileUploadsAreRefusedCleanly() {
        fuzz("uploads", RAW_UPLOAD_CASES + MULTIPART_CASES, true, () -> {
            for (int i = 0; i < RAW_UPLOAD_CASES; i++) {
                rawUploadCase();
            }
            for (int i = 0; i < MULTIPART_CASES; i++) {
                multipartCase();
            }
        });
    }

    private void rawUploadCase() {
        String filename = in.random().nextInt(3) == 0 ? "evidence.txt" : in.hostileString();
        if (filename.length() > 3000) {
            filename = filename.substring(0, 3000);
        }
        String type = in.pick(List.of("text/plain", "application/octet-stream", "text/html", "image/svg+xml", "application/x-sh",
                "../../etc", "text/plain; charset=\"<script>\""));
        byte[] data = new byte[in.random().nextInt(4096)];
        in.random().nextBytes(data);
        String path = fill("/api/v1/assessments/{id}/items/{item}/attachments") + "?filename=" + encode(filename);
        send("upload " + shorten(filename) + " as " + type, "POST", path, "assessor", type, data);
    }

    private void multipartCase() {
        String filename = in.pick(List.of("../../../../etc/passwd", "..\\..\\boot.ini", "evidence.txt", "<script>.html", "a\u0000b.txt",
                "x".repeat(5000) + ".txt", ".", "..", "/abs/path.txt", "%2e%2e%2fescape.txt", "😀.txt", "CON", " "));
        String boundary = "fuzzboundary" + in.random().nextInt(1000);
        byte[] content = bytes(in.hostileString());
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf-token\"\r\n\r\n" + assessorPages.csrfToken + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename.replace("\"", "%22")
                + "\"\r\nContent-Type: " + in.pick(List.of("text/plain", "text/html", "application/octet-stream")) + "\r\n\r\n";
        String tail = "\r\n--" + boundary + (in.random().nextInt(5) == 0 ? "" : "--") + "\r\n";
        byte[] body = concat(bytes(head), content, bytes(tail));
        String path = fill("/assessments/{id}/items/{item}/attachments");
        send("multipart upload " + shorten(filename), "POST", path, assessorPages, "multipart/form-data; boundary=" + boundary, body);
    }

}
