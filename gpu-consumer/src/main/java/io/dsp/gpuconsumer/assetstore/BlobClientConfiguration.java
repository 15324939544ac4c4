package io.dsp.gpuconsumer.assetstore;

import io.dsp.core.blob.BlobClient;
import io.dsp.gpuconsumer.WorkerSettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/** The one client of asset-api's blobs on this worker: uploads install assets, the HTTP engine stages inputs. */
@Configuration(proxyBeanMethods = false)
class BlobClientConfiguration {

    @Bean
    BlobClient blobClient(
            WorkerSettings settings, @Value("${dsp.fleet.token:}") String fleetToken, RestClient.Builder restClients) {
        return new BlobClient(settings.assetApiUrl(), fleetToken, restClients);
    }
}
