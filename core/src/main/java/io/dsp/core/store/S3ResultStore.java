package io.dsp.core.store;

import io.dsp.schemas.avro.StoredResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Results in an S3-compatible bucket (MinIO, S3 itself), one object per SHA-256 key under {@code results/}. A PUT is
 * atomic in S3, so nothing is half-visible; the SHA-256 computed here travels as the object's checksum, which the
 * server verifies before it accepts the bytes. Several asset-api instances and workers on other hosts share the
 * bucket; none needs a shared volume. Free space is the bucket's business: writes are never refused here.
 */
public final class S3ResultStore implements ResultStore, AutoCloseable {

    private static final String PREFIX = "results/";

    private final S3Client s3;
    private final String bucket;
    private final Duration ttl;
    private final String endpoint;
    private volatile boolean bucketReady;

    S3ResultStore(ResultStoreSettings.S3 settings, Duration ttl) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .httpClientBuilder(ApacheHttpClient.builder());
        if (settings.endpointUri() != null) {
            builder.endpointOverride(settings.endpointUri());
        }
        builder.credentialsProvider(
                settings.accessKey().isBlank()
                        ? DefaultCredentialsProvider.builder().build()
                        : StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
        this.s3 = builder.build();
        this.bucket = settings.bucket();
        this.ttl = ttl;
        this.endpoint =
                settings.endpointUri() == null ? "aws" : settings.endpointUri().toString();
    }

    @Override
    public StoredResult put(Path file, String contentType) throws IOException {
        byte[] digest = Sha256.of(file);
        String key = Sha256.hex(digest);
        ensureBucket();
        try {
            s3.putObject(
                    request -> request.bucket(bucket)
                            .key(PREFIX + key)
                            .contentType(contentType)
                            .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                            .checksumSHA256(Base64.getEncoder().encodeToString(digest)),
                    RequestBody.fromFile(file));
            HeadObjectResponse head =
                    s3.headObject(request -> request.bucket(bucket).key(PREFIX + key));
            return new StoredResult(key, head.contentLength(), contentType, expiresAt(head.lastModified()));
        } catch (SdkException e) {
            throw new IOException("storing result " + key + " in " + describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<StoredObject> find(String sha256) throws IOException {
        if (!ResultStore.isKey(sha256)) {
            return Optional.empty();
        }
        try {
            HeadObjectResponse head =
                    s3.headObject(request -> request.bucket(bucket).key(PREFIX + sha256));
            return Optional.of(new StoredObject(sha256, head.contentLength(), head.lastModified()));
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("looking up result " + sha256 + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("looking up result " + sha256 + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String sha256, long offset) throws IOException {
        if (!ResultStore.isKey(sha256)) {
            throw new java.nio.file.NoSuchFileException(sha256);
        }
        try {
            return s3.getObject(request -> {
                request.bucket(bucket).key(PREFIX + sha256);
                if (offset > 0) {
                    request.range("bytes=" + offset + "-");
                }
            });
        } catch (NoSuchKeyException e) {
            throw new java.nio.file.NoSuchFileException(sha256);
        } catch (SdkException e) {
            throw new IOException("reading result " + sha256 + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        if (find(sha256).isEmpty()) {
            return false;
        }
        try {
            s3.deleteObject(request -> request.bucket(bucket).key(PREFIX + sha256));
            return true;
        } catch (SdkException e) {
            throw new IOException("deleting result " + sha256 + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredObject> list() throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(
                            request -> request.bucket(bucket).prefix(PREFIX))
                    .contents()) {
                String key = object.key().substring(PREFIX.length());
                if (ResultStore.isKey(key)) {
                    objects.add(new StoredObject(key, object.size(), object.lastModified()));
                }
            }
        } catch (NoSuchBucketException e) {
            return objects;
        } catch (SdkException e) {
            throw new IOException("listing " + describe() + " failed: " + e.getMessage(), e);
        }
        return objects;
    }

    @Override
    public Instant expiresAt(Instant lastModified) {
        // millisecond precision, as events carry it
        return lastModified.plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    @Override
    public boolean hasRoomFor(long bytes) {
        return true;
    }

    @Override
    public String describe() {
        return "s3 " + endpoint + " bucket " + bucket;
    }

    @Override
    public void close() {
        s3.close();
    }

    private void ensureBucket() throws IOException {
        if (bucketReady) {
            return;
        }
        try {
            s3.headBucket(request -> request.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new IOException("bucket " + bucket + " unavailable: " + e.getMessage(), e);
            }
            createBucket();
        } catch (SdkException e) {
            throw new IOException("bucket " + bucket + " unavailable: " + e.getMessage(), e);
        }
        bucketReady = true;
    }

    private void createBucket() throws IOException {
        try {
            s3.createBucket(request -> request.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException e) {
            // another instance made it first
        } catch (SdkException e) {
            throw new IOException("creating bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }
}
