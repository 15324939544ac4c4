package io.dsp.core.blob;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Fetches blobs by md5 from asset-api ({@code GET /api/v1/blobs/{md5}}, {@code Authorization: Bearer <fleet token>})
 * onto this host, verifying the md5 while the bytes stream to disk, and moving the file into place only when it
 * matches. Large videos never sit in memory. Used by every host that puts the apps' files where an engine reads them:
 * a native worker's own disk, and a legacy GPU server's pool (the gateway's bridge).
 */
public class BlobClient {

    /** Why a fetch did not give a verified file. */
    public static final class BlobException extends Exception {

        private final boolean missing;

        public BlobException(String message, boolean missing) {
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

    private final RestClient http;

    /**
     * @param assetApi asset-api's base URL
     * @param fleetToken the fleet's token for {@code /api/v1/blobs}; blank sends none
     * @param restClients the application's builder (observed like every other call); cloned, not changed
     */
    public BlobClient(URI assetApi, String fleetToken, RestClient.Builder restClients) {
        // never follow a redirect: the fleet token must not travel to another host
        ClientHttpRequestFactory requests = ClientHttpRequestFactoryBuilder.httpComponents()
                .build(HttpClientSettings.defaults()
                        .withTimeouts(Duration.ofSeconds(10), TIMEOUT)
                        .withRedirects(HttpRedirects.DONT_FOLLOW));
        this.http = restClients
                .clone()
                .baseUrl(stripSlash(assetApi.toString()))
                .requestFactory(requests)
                .defaultHeaders(headers -> {
                    if (!fleetToken.isBlank()) {
                        headers.setBearerAuth(fleetToken);
                    }
                })
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
        try {
            http.get().uri("/api/v1/blobs/{md5}", md5).exchange((request, response) -> {
                try (InputStream body = response.getBody()) {
                    int status = response.getStatusCode().value();
                    if (status == 404) {
                        throw new Failure(new BlobException("asset-api has no blob " + md5, true));
                    }
                    if (status != 200) {
                        throw new Failure(
                                new BlobException("asset-api answered " + status + " for blob " + md5, false));
                    }
                    verifiedCopy(md5, body, target);
                    return null;
                }
            });
        } catch (ResourceAccessException e) {
            if (e.getCause() instanceof Failure refused) {
                throw refused.blob;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted fetching blob " + md5);
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Carries a refusal out of the exchange callback, which may only throw IOException. */
    private static final class Failure extends IOException {
        private final BlobException blob;

        Failure(BlobException blob) {
            super(blob.getMessage());
            this.blob = blob;
        }
    }

    private static void verifiedCopy(String md5, InputStream body, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), ".blob-", ".part");
        try {
            MessageDigest digest = md5Digest();
            try (InputStream in = new DigestInputStream(body, digest)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(md5)) {
                throw new Failure(new BlobException("blob " + md5 + " arrived with md5 " + actual, false));
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
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
