package io.dsp.assetapi;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the asset-api edge.
 *
 * @param nodeId name of this instance in task origins and logs; default {@code asset-api}
 * @param sendTimeout how long an HTTP request waits for Kafka to acknowledge a task before it fails; default 10 s
 * @param adminToken bearer token of the license admin endpoints ({@code /admin/v1/**}); no default: while it is unset
 *     those endpoints refuse every request
 * @param advertisedHost the host other asset-api instances reach this one at, for reads of task state held by this
 *     instance ({@code application.server} of Kafka Streams, with the HTTP port); default: this machine's address
 */
@Validated
@ConfigurationProperties("dsp.asset-api")
public record AssetApiSettings(
        @NotBlank @DefaultValue("asset-api") String nodeId,
        @NotNull @DefaultValue("10s") Duration sendTimeout,
        String adminToken,
        String advertisedHost) {}
