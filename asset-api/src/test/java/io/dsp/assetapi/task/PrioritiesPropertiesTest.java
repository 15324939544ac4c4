package io.dsp.assetapi.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.Priority;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.http.HttpStatus;

class PrioritiesPropertiesTest {

    @Property(tries = 2000)
    void anythingButHighOrNormalIsRefusedWithA400(@ForAll("values") Object value) {
        boolean valid = value == null
                || (value instanceof String s
                        && (s.isBlank()
                                || s.strip().toLowerCase(Locale.ROOT).equals("high")
                                || s.strip().toLowerCase(Locale.ROOT).equals("normal")));
        if (valid) {
            assertThat(Priorities.parse(value)).isIn(Priority.HIGH, Priority.NORMAL);
        } else {
            assertThatThrownBy(() -> Priorities.parse(value))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST));
        }
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.of("high", "HIGH", " normal ", "High\n", "hígh", "normal\u0000", "", "   "),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false, java.util.List.of("high"), java.util.Map.of("p", "high")),
                Arbitraries.just(null));
    }
}
