package io.dsp.core.store;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where task results are stored and for how long; the same in every service that writes or reads them.
 *
 * @param backend {@code filesystem} (default; one host, or a shared volume) or {@code s3} (an S3-compatible bucket,
 *     e.g. MinIO)
 * @param dir the filesystem backend's directory; every service on the host must name the same one (the launcher
 *     passes {@code .dsp-data/results}); default {@code ${java.io.tmpdir}/dsp/results} from each service's yml
 * @param ttl how long a result stays downloadable after it was stored (the GPU server's {@code file_ttl_seconds});
 *     default 24 h
 * @param minFreeSpace below this much free space on the filesystem backend's disk, results and uploads are refused;
 *     default 1 GB
 * @param sweepInterval how often expired results are removed (the GPU server's {@code cleanup_interval_seconds});
 *     default 1 h
 * @param s3 the S3 backend's bucket and endpoint
 */
@Validated
@ConfigurationProperties("dsp.results")
public record ResultStoreSettings(
        @NotNull @DefaultValue("filesystem") Backend backend,
        @NotNull Path dir,
        @NotNull @DefaultValue("24h") Duration ttl,
        @NotNull @DefaultValue("1GB") DataSize minFreeSpace,
        @NotNull @DefaultValue("1h") Duration sweepInterval,
        @Valid @NotNull @DefaultValue S3 s3) {

    public enum Backend {
        FILESYSTEM,
        S3
    }

    /**
     * @param endpoint the S3 API's URL, e.g. {@code http://minio:9000}; blank (default) means AWS itself
     * @param region the bucket's region; default {@code us-east-1} (what MinIO accepts)
     * @param bucket the bucket, created when missing; default {@code dsp-results}
     * @param accessKey the access key id; blank (default) uses the SDK's default chain (environment, profile, role)
     * @param secretKey its secret; give it through the environment ({@code DSP_RESULTS_S3_SECRETKEY}) or a file, never
     *     on a command line
     * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), what MinIO and S3Mock need; default true
     */
    public record S3(
            @DefaultValue("") String endpoint,
            @NotBlank @DefaultValue("us-east-1") String region,
            @NotBlank @DefaultValue("dsp-results") String bucket,
            @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey,
            @DefaultValue("true") boolean pathStyle) {

        /** The endpoint as a URI, or null for AWS's own. */
        public URI endpointUri() {
            return endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint);
        }

        @Override
        public String toString() {
            // never the secret in a log line or an actuator page
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle=" + pathStyle
                    + "]";
        }
    }

    /** The store these settings describe. */
    public ResultStore open() {
        return switch (backend) {
            case FILESYSTEM -> new FileSystemResultStore(dir, ttl, minFreeSpace.toBytes());
            case S3 -> new S3ResultStore(s3, ttl);
        };
    }
}
