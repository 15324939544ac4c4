package io.dsp.gpuconsumer.assetstore;

import io.dsp.core.blob.BlobClient;
import io.dsp.gpuconsumer.WorkerSettings;
import org.springframework.web.client.RestClient;

/** Lets tests of other features build a {@link BlobClient}, whose constructor is the container's. */
public final class BlobClientAccess {

    private BlobClientAccess() {}

    public static BlobClient blobClient(WorkerSettings settings, String fleetToken) {
        return new BlobClient(settings.assetApiUrl(), fleetToken, RestClient.builder());
    }
}
