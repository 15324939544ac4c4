package io.dsp.assetapi.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedLookupsTest {

    private final Map<String, License> store = new HashMap<>();
    private final Map<String, DeviceBinding> boundStore = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong();

    private CachedLookups lookups(Duration ttl) {
        return new CachedLookups(
                key -> {
                    reads.incrementAndGet();
                    return Optional.ofNullable(store.get(key));
                },
                key -> {
                    reads.incrementAndGet();
                    return Optional.ofNullable(boundStore.get(key));
                },
                new LookupSettings(ttl, 100),
                nanos::get);
    }

    @Test
    void aFoundLicenseIsReadOnceWithinTheTtlAndAgainAfterIt() {
        CachedLookups lookups = lookups(Duration.ofSeconds(1));
        store.put("k1", license("k1", LicenseStatus.ACTIVE));

        assertThat(lookups.license("k1")).isPresent();
        store.put("k1", license("k1", LicenseStatus.DISABLED));
        assertThat(lookups.license("k1")).get().extracting(License::getStatus).isEqualTo(LicenseStatus.ACTIVE);
        assertThat(reads).hasValue(1);

        nanos.addAndGet(Duration.ofMillis(1001).toNanos());
        assertThat(lookups.license("k1")).get().extracting(License::getStatus).isEqualTo(LicenseStatus.DISABLED);
        assertThat(reads).hasValue(2);
    }

    @Test
    void anUnknownLicenseIsNotHeldSoOneCreatedAMomentLaterIsSeenAtOnce() {
        CachedLookups lookups = lookups(Duration.ofSeconds(1));

        assertThat(lookups.license("new")).isEmpty();
        store.put("new", license("new", LicenseStatus.ACTIVE));

        assertThat(lookups.license("new")).isPresent();
    }

    @Test
    void aLicenseChangedThroughThisInstanceIsReadAgainAtOnce() {
        CachedLookups lookups = lookups(Duration.ofSeconds(1));
        store.put("k1", license("k1", LicenseStatus.ACTIVE));
        lookups.license("k1");
        store.put("k1", license("k1", LicenseStatus.DISABLED));

        lookups.forgetLicense("k1");

        assertThat(lookups.license("k1")).get().extracting(License::getStatus).isEqualTo(LicenseStatus.DISABLED);
    }

    @Test
    void aBindingIsHeldUntilThisInstanceChangesIt() {
        CachedLookups lookups = lookups(Duration.ofSeconds(1));
        boundStore.put("k1|pc", binding("m1"));
        assertThat(lookups.deviceBinding("k1|pc"))
                .get()
                .extracting(DeviceBinding::getMachineCode)
                .isEqualTo("m1");
        boundStore.put("k1|pc", binding("m2"));
        assertThat(lookups.deviceBinding("k1|pc"))
                .get()
                .extracting(DeviceBinding::getMachineCode)
                .isEqualTo("m1");

        lookups.forgetBinding("k1|pc");

        assertThat(lookups.deviceBinding("k1|pc"))
                .get()
                .extracting(DeviceBinding::getMachineCode)
                .isEqualTo("m2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aZeroTtlReadsOnEveryLookup() {
        CachedLookups lookups = lookups(Duration.ZERO);
        store.put("k1", license("k1", LicenseStatus.ACTIVE));
        AtomicInteger scans = new AtomicInteger();

        lookups.license("k1");
        lookups.license("k1");
        lookups.anyWorkerOnline(() -> scans.incrementAndGet() > 0);
        lookups.anyWorkerOnline(() -> scans.incrementAndGet() > 0);

        assertThat(reads).hasValue(2);
        assertThat(scans).hasValue(2);
    }

    @Test
    void theFleetIsScannedOncePerTtl() {
        CachedLookups lookups = lookups(Duration.ofSeconds(1));
        AtomicInteger scans = new AtomicInteger();

        assertThat(lookups.anyWorkerOnline(() -> scans.incrementAndGet() > 1)).isFalse();
        assertThat(lookups.anyWorkerOnline(() -> scans.incrementAndGet() > 1)).isFalse();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());

        assertThat(lookups.anyWorkerOnline(() -> scans.incrementAndGet() > 1)).isTrue();
        assertThat(scans).hasValue(2);
    }

    private static DeviceBinding binding(String machineCode) {
        return DeviceBinding.newBuilder()
                .setLicenseKey("k1")
                .setDeviceType("pc")
                .setMachineCode(machineCode)
                .setBoundAt(Instant.EPOCH)
                .setBoundBy("test")
                .build();
    }

    private static License license(String key, LicenseStatus status) {
        return License.newBuilder()
                .setLicenseKey(key)
                .setStatus(status)
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }
}
