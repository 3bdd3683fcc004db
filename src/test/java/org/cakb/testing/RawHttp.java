package org.cakb.testing;

import io.restassured.RestAssured;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Announces a body larger than the server accepts: sends the request head with its Content-Length (and
 * Expect: 100-continue, as curl does for large bodies) and reads the answer before sending any of the body, so the
 * server's early 413 is read instead of the client failing with a broken pipe while still writing.
 */
public final class RawHttp {

    public record Answer(int status, String contentType, String body) {
    }

    private RawHttp() {
    }

    public static Answer announce(String path, String contentType, long length, String... headers) {
        URI base = URI.create(RestAssured.baseURI);
        try (Socket socket = new Socket(base.getHost(), RestAssured.port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + RestAssured.port
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete request exactly as given (no client library adding or changing a content type). */
    public static Answer send(String method, String path, String contentType, String body, String... headers) {
        URI base = URI.create(RestAssured.baseURI);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), RestAssured.port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + RestAssured.port
                    + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while (true) {
            String text = buffer.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                String head = text.substring(0, end);
                if (head.startsWith("HTTP/1.1 100")) {
                    throw new IllegalStateException("the server asked for the body (100 Continue) instead of refusing it");
                }
                int length = header(head, "content-length") == null ? -1 : Integer.parseInt(header(head, "content-length"));
                String body = text.substring(end + 4);
                if (length >= 0 && body.getBytes(StandardCharsets.UTF_8).length >= length) {
                    return new Answer(Integer.parseInt(head.substring(9, 12)), String.valueOf(header(head, "content-type")), body);
                }
            }
            n = in.read(chunk);
            if (n < 0) {
                String all = buffer.toString(StandardCharsets.UTF_8);
                int at = all.indexOf("\r\n\r\n");
                if (at < 0) {
                    throw new IOException("connection closed without an answer");
                }
                String head = all.substring(0, at);
                return new Answer(Integer.parseInt(head.substring(9, 12)), String.valueOf(header(head, "content-type")), all.substring(at + 4));
            }
            buffer.write(chunk, 0, n);
        }
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }
}
