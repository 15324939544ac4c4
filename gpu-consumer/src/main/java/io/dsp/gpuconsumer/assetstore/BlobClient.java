package io.dsp.gpuconsumer.assetstore;

import io.dsp.gpuconsumer.WorkerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Fetches blobs by md5 from asset-api ({@code GET /api/v1/blobs/{md5}}, {@code Authorization: Bearer <fleet token>})
 * onto this host, verifying the md5 while the bytes stream to disk, and moving the file into place only when it
 * matches. Large videos never sit in memory.
 */
@Component
public class BlobClient {

    /** Why a fetch did not give a verified file. */
    public static final class BlobException extends Exception {

        private final boolean missing;

        BlobException(String message, boolean missing) {
            super(message);
            this.missing = missing;
        }

        /** asset-api does not have the blob: trying again will not help. */
        public boolean missing() {
            return missing;
        }
    }

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final URI baseUrl;
    private final String fleetToken;
    private final HttpClient http;

    BlobClient(WorkerSettings settings, @Value("${dsp.fleet.token:}") String fleetToken) {
        this.baseUrl = settings.assetApiUrl();
        this.fleetToken = fleetToken;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Whether this is an md5 as the catalogue writes it (lower-case hex), i.e. safe in a URL and a file name. */
    public static boolean isMd5(String hash) {
        return hash != null && MD5.matcher(hash).matches();
    }

    /**
     * Downloads the blob to {@code target} (replacing it), verified.
     *
     * @throws BlobException when asset-api does not have it ({@link BlobException#missing()}), refuses the token or
     *     sends bytes of another md5
     * @throws IOException when asset-api cannot be reached or the transfer breaks
     */
    public void fetch(String md5, Path target) throws BlobException, IOException, InterruptedException {
        if (!isMd5(md5)) {
            throw new IllegalArgumentException("not an md5: " + md5);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(stripSlash(baseUrl.toString()) + "/api/v1/blobs/" + md5))
                .timeout(TIMEOUT)
                .GET();
        if (!fleetToken.isBlank()) {
            request.header("Authorization", "Bearer " + fleetToken);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                throw new BlobException("asset-api has no blob " + md5, true);
            }
            if (response.statusCode() != 200) {
                throw new BlobException("asset-api answered " + response.statusCode() + " for blob " + md5, false);
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), ".blob-", ".part");
            try {
                MessageDigest digest = md5Digest();
                try (InputStream in = new DigestInputStream(body, digest)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(md5)) {
                    throw new BlobException("blob " + md5 + " arrived with md5 " + actual, false);
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
