package io.dsp.assetapi.readmodel;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Reads a value of a partitioned store from the asset-api instance that holds its partition (Kafka Streams
 * interactive queries). Implemented over HTTP by the cluster feature; the answer is the value's serialized bytes.
 */
public interface RemoteStores {

    /**
     * The serialized value under {@code key} in {@code store} of the instance at {@code host}; empty when it has none.
     *
     * @throws io.dsp.assetapi.web.ApiException (503) when that instance cannot answer now
     */
    default Optional<byte[]> fetch(HostInfo host, String store, String key) {
        return fetch(host, store, key, Map.of());
    }

    /**
     * As {@link #fetch(HostInfo, String, String)}, with the read's options (the in-flight index's {@code after} and
     * {@code limit}) as query parameters.
     */
    Optional<byte[]> fetch(HostInfo host, String store, String key, Map<String, String> options);
}
