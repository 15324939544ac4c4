package io.dsp.gateway.session;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.access.AccessSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

    /**
     * Frames up to this many times the configured limit are read whole, so a frame somewhat over the limit gets a clear
     * error frame from the handler, and only an absurd one is cut off (close 1009).
     */
    static final int CONTAINER_HEADROOM = 4;

    /**
     * The container's per-connection buffers, allocated for every open connection: frames longer than this arrive in
     * parts that the handler joins (up to the limit times the headroom), so 10,000 idle clients cost little heap.
     */
    static final int CONTAINER_TEXT_BUFFER = 8 * 1024;

    static final int CONTAINER_BINARY_BUFFER = 1024;

    private final DspWebSocketHandler handler;
    private final AccessSettings access;

    WebSocketConfiguration(DspWebSocketHandler handler, AccessSettings access) {
        this.handler = handler;
        this.access = access;
    }

    /**
     * Browser pages may open {@code /dsp} only from the configured origins (same-origin pages by default), so a page on
     * another site cannot use a visitor's browser against it; clients that send no {@code Origin} (the apps and the
     * fleet) are not affected.
     */
    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        var registration = registry.addHandler(handler, "/dsp");
        if (!access.allowedOrigins().isEmpty()) {
            registration.setAllowedOriginPatterns(access.allowedOrigins().toArray(String[]::new));
        }
    }

    @Bean
    ServletServerContainerFactoryBean webSocketContainer(GatewaySettings settings) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(Math.min(CONTAINER_TEXT_BUFFER, settings.maxFrameBytes()));
        container.setMaxBinaryMessageBufferSize(CONTAINER_BINARY_BUFFER);
        return container;
    }
}
