package io.dsp.assetapi.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.assetapi.web.ApiException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.http.HttpStatus;

class IdempotencyKeyPropertiesTest {

    @Property(tries = 3000)
    void aKeyIsEitherAbsentSafeOrRefusedWithA400(@ForAll("hostile") String header, @ForAll("hostile") String body) {
        try {
            String key = TaskSubmitController.key(header, body);
            // Whatever is accepted is safe in a request id, a Kafka key and a log line.
            assertThat(key == null || key.matches("[A-Za-z0-9_.:-]{1,128}")).isTrue();
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        }
    }

    @Property(tries = 1000)
    void derivedRequestIdsDependOnTheLicenseSoLicensesNeverShareOne(
            @ForAll("keys") String key, @ForAll("keys") String licenseA, @ForAll("keys") String licenseB) {
        String a = TaskSubmitController.derive(licenseA, key);
        String b = TaskSubmitController.derive(licenseB, key);
        assertThat(a).matches("[0-9a-f]{32}");
        assertThat(a.equals(b)).isEqualTo(licenseA.equals(licenseB));
    }

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(140),
                Arbitraries.of("a\r\nX-Injected: 1", "../../etc/passwd", "%00", "键", " ", "a".repeat(129)),
                Arbitraries.just(null));
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
    }
}
