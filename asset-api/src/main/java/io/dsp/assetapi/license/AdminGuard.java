package io.dsp.assetapi.license;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Guards {@code /admin/**} with {@code Authorization: Bearer <dsp.asset-api.admin-token>}. With no token configured
 * every admin request is refused: an unset secret must never mean "open".
 */
@Component
class AdminGuard implements HandlerInterceptor {

    private final AssetApiSettings settings;

    AdminGuard(AssetApiSettings settings) {
        this.settings = settings;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String token = settings.adminToken();
        if (token == null || token.isBlank()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "管理接口未启用（未配置 dsp.asset-api.admin-token）");
        }
        String authorization = request.getHeader("Authorization");
        boolean ok = authorization != null
                && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.UTF_8),
                        authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "鉴权失败");
        }
        return true;
    }
}
