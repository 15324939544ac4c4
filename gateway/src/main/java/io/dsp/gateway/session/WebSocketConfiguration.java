package io.dsp.gateway.session;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

    private final DspWebSocketHandler handler;

    WebSocketConfiguration(DspWebSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Legacy workers and apps send no Origin worth checking; the endpoint is open as the PHP one was.
        registry.addHandler(handler, "/dsp").setAllowedOrigins("*");
    }
}
