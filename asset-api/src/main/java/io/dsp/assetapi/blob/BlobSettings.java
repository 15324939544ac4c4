package io.dsp.assetapi.blob;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the content-addressed blob store under {@code <dsp.data-dir>/blobs}.
 *
 * @param maxFileSize largest file one upload may store (asset uploads and staged synthesis inputs); default 500 MB.
 *     Keep {@code spring.servlet.multipart.max-file-size} above it so that the edge, not the container, answers
 * @param minFreeSpace free space the blob volume keeps: an upload that would leave less is refused before anything is
 *     written (the brokers may share this disk); default 1 GB
 * @param deleteGrace a blob used (uploaded, checked, fetched) within this time is kept when an asset delete would
 *     remove it, so a concurrent upload of the same content or a task about to fetch it is not robbed; default 10 min
 */
@Validated
@ConfigurationProperties("dsp.asset-api.blobs")
public record BlobSettings(
        @NotNull @DefaultValue("500MB") DataSize maxFileSize,
        @NotNull @DefaultValue("1GB") DataSize minFreeSpace,
        @NotNull @DefaultValue("10m") Duration deleteGrace) {}
