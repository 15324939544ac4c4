package io.dsp.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ResultLinksTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private final ResultLinkSettings settings =
            new ResultLinkSettings("s3cret", Duration.ofHours(6), URI.create("https://dsp.example/"));
    private final ResultLinks links = new ResultLinks(settings, Clock.fixed(NOW, ZoneOffset.UTC));

    private static Map<String, String> query(String link) {
        return Stream.of(URI.create(link).getRawQuery().split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p[1]));
    }

    @Test
    void linksToTheLegacyDownloadPathWithAnExpiryAndASignatureThatVerifies() {
        String link = links.link("heygem_1", NOW.plus(Duration.ofDays(1))).orElseThrow();

        assertThat(link).startsWith("https://dsp.example/api/heygem/download?task_id=heygem_1&expires=");
        Map<String, String> q = query(link);
        assertThat(Long.parseLong(q.get("expires")))
                .isEqualTo(NOW.plus(Duration.ofHours(6)).getEpochSecond());
        assertThat(links.verify("heygem_1", q.get("expires"), q.get("sig"))).isTrue();
    }

    @Test
    void neverOutlivesTheResultItself() {
        Instant resultEnds = NOW.plus(Duration.ofMinutes(5));

        Map<String, String> q = query(links.link("t", resultEnds).orElseThrow());

        assertThat(Long.parseLong(q.get("expires"))).isEqualTo(resultEnds.getEpochSecond());
    }

    @Test
    void refusesAnotherTaskAChangedExpiryAnExpiredLinkAndAnotherSecret() {
        Map<String, String> q = query(links.link("mine", null).orElseThrow());

        assertThat(links.verify("theirs", q.get("expires"), q.get("sig"))).isFalse();
        assertThat(links.verify("mine", String.valueOf(Long.parseLong(q.get("expires")) + 1), q.get("sig")))
                .isFalse();
        ResultLinks later = new ResultLinks(settings, Clock.fixed(NOW.plus(Duration.ofHours(7)), ZoneOffset.UTC));
        assertThat(later.verify("mine", q.get("expires"), q.get("sig"))).isFalse();
        ResultLinks other = new ResultLinks(
                new ResultLinkSettings("other", Duration.ofHours(6), settings.publicUrl()),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(other.verify("mine", q.get("expires"), q.get("sig"))).isFalse();
        assertThat(links.verify("mine", "not-a-number", q.get("sig"))).isFalse();
    }

    @Test
    void makesNoLinksWithoutASecret() {
        ResultLinks none = new ResultLinks(
                new ResultLinkSettings("", Duration.ofHours(6), settings.publicUrl()), Clock.systemUTC());

        assertThat(none.link("t", null)).isEmpty();
        assertThat(none.verify("t", "1", "x")).isFalse();
    }
}
