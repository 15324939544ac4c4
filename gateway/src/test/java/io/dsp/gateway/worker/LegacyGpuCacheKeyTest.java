package io.dsp.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LegacyGpuCacheKeyTest {

    @Test
    void theCacheKeyIsTheFirstSixteenHexOfTheMd5OfBothHashesJoinedByAnUnderscore() {
        // run_server.py: hashlib.md5(f"{audio_hash}_{video_hash}".encode()).hexdigest()[:16], md5("a") and md5("b")
        assertThat(LegacyGpu.cacheKey("0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"))
                .isEqualTo("f687c8e5d5cc7163");
    }

    @Test
    void theOrderOfTheInputsMatters() {
        assertThat(LegacyGpu.cacheKey("a", "b")).isNotEqualTo(LegacyGpu.cacheKey("b", "a"));
    }
}
