package io.dsp.console.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final AdminGuard guard;

    WebConfiguration(AdminGuard guard) {
        this.guard = guard;
    }

    /** The page itself holds no data and is open; everything it shows comes from the guarded API. */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(guard).addPathPatterns("/console/api/**").excludePathPatterns("/console/api/session");
    }
}
