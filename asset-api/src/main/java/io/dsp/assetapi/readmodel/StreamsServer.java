package io.dsp.assetapi.readmodel;

import io.dsp.assetapi.AssetApiSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Tells Kafka Streams where this instance answers ({@code application.server} = advertised host : HTTP port), so every
 * instance can find which one holds a task's partition. Set when the web server has its port (a random one in tests),
 * which is before Streams starts: the web server's lifecycle phase comes first.
 */
@Component
class StreamsServer implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(StreamsServer.class);

    private final StreamsBuilderFactoryBean streams;
    private final AssetApiSettings settings;
    private volatile HostInfo self;

    StreamsServer(StreamsBuilderFactoryBean streams, AssetApiSettings settings) {
        this.streams = streams;
        this.settings = settings;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() != null && self != null) {
            return; // a child context's server (management port): the API port is already set
        }
        HostInfo host = new HostInfo(host(), event.getWebServer().getPort());
        Properties config = streams.getStreamsConfiguration();
        if (config == null || streams.isRunning()) {
            log.warn("Kafka Streams already running; other instances cannot route reads to this one");
            return;
        }
        config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, host.host() + ":" + host.port());
        streams.setStreamsConfiguration(config);
        self = host;
        log.info("answering reads of its task partitions for other instances at {}:{}", host.host(), host.port());
    }

    /** This instance's address, or null before the web server started. */
    HostInfo self() {
        return self;
    }

    private String host() {
        if (settings.advertisedHost() != null && !settings.advertisedHost().isBlank()) {
            return settings.advertisedHost().strip();
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
