package io.dsp.gateway.relay;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the relay between gateway instances ({@code dsp.gateway-relay}).
 *
 * @param deviceAnswerTimeout how long a {@code mobile_task} whose PC is not on this instance waits for another
 *     instance to deliver it (and relay back the {@code ack}) before the mobile gets the legacy "电脑端不在线" error;
 *     default 3 s
 * @param remembered relay ids remembered to drop duplicates of an at-least-once publish; default 20000
 * @param aliveInterval how often an instance says on the relay that it is alive; an instance not heard from for three
 *     intervals is taken for gone, and the results of tasks it accepted go to every connection of the license on each
 *     remaining instance; default 5 s
 */
@Validated
@ConfigurationProperties("dsp.gateway.relay")
public record RelaySettings(
        @NotNull @DefaultValue("3s") Duration deviceAnswerTimeout,
        @Min(100) @Max(1_000_000) @DefaultValue("20000") int remembered,
        @NotNull @DefaultValue("5s") Duration aliveInterval) {}
