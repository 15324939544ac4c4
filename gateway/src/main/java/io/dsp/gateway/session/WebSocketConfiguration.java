package io.dsp.gateway.session;

import io.dsp.gateway.GatewaySettings;
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
     * The container accepts frames up to this many times the configured limit, so a frame somewhat over the limit
     * gets a clear error frame from the handler, and only an absurd one is cut off by the container (close 1009).
     */
    static final int CONTAINER_HEADROOM = 4;

    private final DspWebSocketHandler handler;

    WebSocketConfiguration(DspWebSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Legacy workers and apps send no Origin worth checking; the endpoint is open as the PHP one was.
        registry.addHandler(handler, "/dsp").setAllowedOrigins("*");
    }

    @Bean
    ServletServerContainerFactoryBean webSocketContainer(GatewaySettings settings) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(settings.maxFrameBytes() * CONTAINER_HEADROOM);
        container.setMaxBinaryMessageBufferSize(settings.maxFrameBytes());
        return container;
    }
}
