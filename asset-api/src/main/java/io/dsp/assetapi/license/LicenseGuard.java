package io.dsp.assetapi.license;

import io.dsp.assetapi.observe.RequestContext;
import io.dsp.assetapi.readmodel.CachedLookups;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.GpuPaths;
import io.dsp.core.license.LicenseKeys;
import io.dsp.core.license.LicenseValidity;
import io.dsp.schemas.avro.License;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The legacy {@code LicenseCardAuthDspMiddleware}: every {@code /api/...} request carries {@code Authorization: Bearer
 * <license_key>} and {@code X-Machine-Code}; the license must exist, be active, be inside its validity window and be
 * bound to this machine for its device type (bound on first use, see {@link DeviceBindings}). The
 * checked license is put on the request for controllers; they never take the license from the body.
 */
@Component
class LicenseGuard implements HandlerInterceptor {

    private final CachedLookups lookups;
    private final DeviceBindings bindings;
    private final Clock clock;

    LicenseGuard(CachedLookups lookups, DeviceBindings bindings, Clock clock) {
        this.lookups = lookups;
        this.bindings = bindings;
        this.clock = clock;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (GpuPaths.DOWNLOAD.equals(request.getRequestURI()) && request.getParameter("sig") != null) {
            // A signed result link is its own credential (players send no headers); the download verifies it.
            return true;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null
                || !authorization.startsWith("Bearer ")
                || authorization.substring(7).isBlank()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "缺少 Authorization Bearer");
        }
        String machineCode = request.getHeader("X-Machine-Code");
        if (machineCode == null || machineCode.isBlank()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "缺少 machine_code（设备指纹）");
        }
        String deviceType = request.getHeader("X-Device-Type");
        deviceType = deviceType == null || deviceType.isBlank()
                ? "pc"
                : deviceType.strip().toLowerCase(Locale.ROOT);
        if (!deviceType.equals("pc") && !deviceType.equals("mobile")) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "X-Device-Type 必须为 pc 或 mobile");
        }
        String key = authorization.substring(7).strip();
        License license = lookups.license(key).orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "卡密不存在"));
        check(license, clock.instant());
        bindings.check(key, deviceType, machineCode.strip());
        AuthenticatedLicense.set(request, new AuthenticatedLicense(key, machineCode.strip(), deviceType));
        RequestContext.license(LicenseKeys.mask(key));
        return true;
    }

    /** Refuses a license that may not be used now, with the legacy message of its reason. */
    static void check(License license, Instant now) {
        String refusal = switch (LicenseValidity.of(license, now)) {
            case VALID -> null;
            case UNKNOWN -> "卡密不存在";
            case DISABLED -> "卡密已禁用";
            case EXPIRED, PAST_VALIDITY -> "卡密已过期";
            case NOT_ACTIVE -> "卡密状态异常";
            case NOT_YET_VALID -> "卡密尚未生效";
        };
        if (refusal != null) {
            throw new ApiException(HttpStatus.FORBIDDEN, refusal);
        }
    }
}
