package io.dsp.assetapi.task;

import jakarta.validation.constraints.NotNull;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of {@code POST /api/v1/tasks}.
 *
 * @param genericTypes task types without a typed schema that are accepted anyway, their payload kept as JSON text in
 *     a {@code GenericPayload}; default none, so an unknown type is refused rather than queued for no worker
 * @param maxBodySize largest request body; default 64 KB (files go through the upload calls, never in a task body)
 */
@Validated
@ConfigurationProperties("dsp.asset-api.tasks")
public record TaskApiSettings(
        Set<String> genericTypes,
        @NotNull @DefaultValue("64KB") DataSize maxBodySize) {

    public TaskApiSettings {
        genericTypes = genericTypes == null
                ? Set.of()
                : genericTypes.stream()
                        .map(String::strip)
                        .filter(t -> !t.isEmpty())
                        .collect(Collectors.toSet());
    }
}
