package io.dsp.assetapi.blob;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the content-addressed blob store under {@code <dsp.data-dir>/blobs}.
 *
 * @param maxFileSize largest file one upload may store (asset uploads and staged synthesis inputs); default 500 MB.
 *     Keep {@code spring.servlet.multipart.max-file-size} above it so that the edge, not the container, answers
 */
@Validated
@ConfigurationProperties("dsp.asset-api.blobs")
public record BlobSettings(@NotNull @DefaultValue("500MB") DataSize maxFileSize) {}
