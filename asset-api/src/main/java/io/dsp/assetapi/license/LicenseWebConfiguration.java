package io.dsp.assetapi.license;

import io.dsp.assetapi.web.BlobPaths;
import io.dsp.assetapi.web.GpuPaths;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class LicenseWebConfiguration implements WebMvcConfigurer {

    private final LicenseGuard guard;
    private final AdminGuard admin;

    LicenseWebConfiguration(LicenseGuard guard, AdminGuard admin) {
        this.guard = guard;
        this.admin = admin;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Blobs are fetched by GPU workers with the fleet token, never with a license.
        // The GPU server's health path needs no credential there either; it tells only whether the fleet is up.
        registry.addInterceptor(guard)
                .addPathPatterns("/api/**")
                .excludePathPatterns(BlobPaths.BLOBS + "/**", GpuPaths.HEALTH);
        registry.addInterceptor(admin).addPathPatterns("/admin/**");
    }

    @Bean
    @ConditionalOnMissingBean
    static Clock clock() {
        return Clock.systemUTC();
    }
}
