package io.dsp.testkit.legacy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a {@code multipart/form-data} body into its named parts (enough for the replica's upload routes). */
final class Multipart {

    /** One form field: its bytes, and the file name when the field is a file. */
    record Part(byte[] bytes, String filename) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    private Multipart() {}

    /** The parts by name, or an empty map when the content type is not multipart or the body cannot be read. */
    static Map<String, Part> parse(String contentType, byte[] body) {
        Map<String, Part> parts = new LinkedHashMap<>();
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            return parts;
        }
        int at = contentType.indexOf("boundary=");
        if (at < 0) {
            return parts;
        }
        String boundary =
                contentType.substring(at + "boundary=".length()).split(";")[0].trim();
        if (boundary.startsWith("\"") && boundary.endsWith("\"") && boundary.length() > 1) {
            boundary = boundary.substring(1, boundary.length() - 1);
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int headersFrom = start + delimiter.length;
            if (headersFrom + 1 < body.length && body[headersFrom] == '-' && body[headersFrom + 1] == '-') {
                break;
            }
            headersFrom += 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersFrom);
            int next = indexOf(body, delimiter, headersFrom);
            if (headersEnd < 0 || next < 0 || headersEnd > next) {
                break;
            }
            String headers = new String(body, headersFrom, headersEnd - headersFrom, StandardCharsets.UTF_8);
            Matcher name = NAME.matcher(headers.replace("filename=", "filename:"));
            if (name.find()) {
                Matcher filename = FILENAME.matcher(headers);
                byte[] bytes = Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, next - 2));
                parts.put(name.group(1), new Part(bytes, filename.find() ? filename.group(1) : null));
            }
            start = next;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
