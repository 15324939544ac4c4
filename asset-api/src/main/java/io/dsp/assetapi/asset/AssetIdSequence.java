package io.dsp.assetapi.asset;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.topic.Topics;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * New asset ids from Kafka: each id is the offset (+1) of a record appended to the one-partition {@code dsp.asset-ids}
 * topic. The broker hands out every offset once, so ids are unique across asset-api instances and restarts with no
 * node numbering to configure, and stay small integers that JavaScript clients hold exactly. Costs one acknowledged
 * write per upload. (Offsets never go back even after retention deletes old records; only deleting and recreating
 * the topic would, and must never be done.)
 */
@Component
class AssetIdSequence {

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetApiSettings settings;

    AssetIdSequence(KafkaTemplate<byte[], byte[]> kafka, AssetApiSettings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    long next() {
        try {
            SendResult<byte[], byte[]> sent = kafka.send(Topics.ASSET_IDS.record(settings.nodeId(), settings.nodeId()))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            long id = sent.getRecordMetadata().offset() + 1;
            if (id > AssetIds.MAX_SAFE_INTEGER) {
                throw new IllegalStateException("asset id sequence exhausted: " + id);
            }
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable();
        }
    }

    private static ApiException unavailable() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "文件上传失败，请稍后重试");
    }
}
