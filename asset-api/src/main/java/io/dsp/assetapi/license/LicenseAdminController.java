package io.dsp.assetapi.license;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dsp.assetapi.readmodel.CachedLookups;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.Topics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The license registry's admin API ({@link AdminGuard}): create, update, disable, read a license and release a device
 * binding. Every change is one record in the compacted {@code dsp.licenses}; the guard sees it through the global
 * table a moment later. Times are ISO-8601 instants.
 */
@RestController
class LicenseAdminController {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{6,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final ReadModels readModels;
    private final CachedLookups lookups;
    private final DeviceBindings bindings;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final Clock clock;

    LicenseAdminController(
            ReadModels readModels,
            CachedLookups lookups,
            DeviceBindings bindings,
            KafkaTemplate<byte[], byte[]> kafka,
            Clock clock) {
        this.readModels = readModels;
        this.lookups = lookups;
        this.bindings = bindings;
        this.kafka = kafka;
        this.clock = clock;
    }

    /**
     * A change to a license; absent fields keep their value (on create: status active, no window).
     *
     * @param licenseKey only on create; generated ({@code DSP-XXXX-XXXX-XXXX}) when absent
     * @param status {@code active}, {@code expired} or {@code disabled}
     */
    record LicenseChange(
            @JsonProperty("license_key") String licenseKey,
            String status,
            @JsonProperty("valid_from") Instant validFrom,
            @JsonProperty("valid_until") Instant validUntil,
            String label) {}

    @PostMapping("/admin/v1/licenses")
    ResponseEntity<ApiResponse> create(@RequestBody LicenseChange change) throws Exception {
        String key = change.licenseKey() == null
                ? generateKey()
                : change.licenseKey().strip();
        if (!KEY.matcher(key).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "license_key 须为 6-64 位字母、数字、- 或 _");
        }
        if (readModels.license(key).isPresent()) {
            throw new ApiException(HttpStatus.CONFLICT, "卡密已存在");
        }
        License license = apply(License.newBuilder().setLicenseKey(key).setStatus(LicenseStatus.ACTIVE), change);
        write(license);
        return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok("已创建", view(license)));
    }

    @PutMapping("/admin/v1/licenses/{key}")
    ApiResponse update(@PathVariable String key, @RequestBody LicenseChange change) throws Exception {
        License current = existing(key);
        if (change.licenseKey() != null && !change.licenseKey().equals(key)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "license_key 不可修改");
        }
        License license = apply(License.newBuilder(current), change);
        write(license);
        return ApiResponse.ok("已更新", view(license));
    }

    @PostMapping("/admin/v1/licenses/{key}/disable")
    ApiResponse disable(@PathVariable String key) throws Exception {
        License license = License.newBuilder(existing(key))
                .setStatus(LicenseStatus.DISABLED)
                .setUpdatedAt(clock.instant())
                .build();
        write(license);
        return ApiResponse.ok("已禁用", view(license));
    }

    @GetMapping("/admin/v1/licenses/{key}")
    ApiResponse read(@PathVariable String key) {
        License license = existing(key);
        Map<String, Object> data = view(license);
        Map<String, String> devices = new LinkedHashMap<>();
        for (String type : new String[] {"pc", "mobile"}) {
            readModels
                    .deviceBinding(DeviceBindings.key(key, type))
                    .ifPresent(b -> devices.put(type, b.getMachineCode()));
        }
        data.put("devices", devices);
        return ApiResponse.ok("ok", data);
    }

    /** Releases the binding of one device type, so the next machine that uses the license is bound. */
    @DeleteMapping("/admin/v1/licenses/{key}/devices/{deviceType}")
    ApiResponse unbind(@PathVariable String key, @PathVariable String deviceType) {
        existing(key);
        if (!deviceType.equals("pc") && !deviceType.equals("mobile")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "device_type 必须为 pc 或 mobile");
        }
        bindings.unbind(key, deviceType);
        return ApiResponse.ok("已解绑", null);
    }

    private License existing(String key) {
        return readModels.license(key).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "卡密不存在"));
    }

    private License apply(License.Builder builder, LicenseChange change) {
        if (change.status() != null) {
            builder.setStatus(status(change.status()));
        }
        if (change.validFrom() != null) {
            builder.setValidFrom(change.validFrom());
        }
        if (change.validUntil() != null) {
            builder.setValidUntil(change.validUntil());
        }
        if (change.label() != null) {
            builder.setLabel(change.label());
        }
        License license = builder.setUpdatedAt(clock.instant()).build();
        if (license.getValidFrom() != null
                && license.getValidUntil() != null
                && !license.getValidUntil().isAfter(license.getValidFrom())) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "valid_until 必须晚于 valid_from");
        }
        return license;
    }

    private static LicenseStatus status(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "active" -> LicenseStatus.ACTIVE;
            case "expired" -> LicenseStatus.EXPIRED;
            case "disabled" -> LicenseStatus.DISABLED;
            default -> throw new ApiException(HttpStatus.BAD_REQUEST, "status 必须为 active、expired 或 disabled");
        };
    }

    private void write(License license) throws Exception {
        kafka.send(Topics.LICENSES.record(license.getLicenseKey(), license)).get(10, TimeUnit.SECONDS);
        lookups.forgetLicense(license.getLicenseKey().toString());
    }

    private static Map<String, Object> view(License license) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("license_key", license.getLicenseKey());
        data.put("status", license.getStatus().name().toLowerCase(Locale.ROOT));
        data.put("valid_from", license.getValidFrom());
        data.put("valid_until", license.getValidUntil());
        data.put("label", license.getLabel());
        data.put("updated_at", license.getUpdatedAt());
        return data;
    }

    private static String generateKey() {
        StringBuilder key = new StringBuilder("DSP");
        for (int group = 0; group < 3; group++) {
            key.append('-');
            for (int i = 0; i < 4; i++) {
                key.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
        }
        return key.toString();
    }
}
