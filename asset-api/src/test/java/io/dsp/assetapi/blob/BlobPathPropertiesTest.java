package io.dsp.assetapi.blob;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class BlobPathPropertiesTest {

    @Property(tries = 3000)
    void onlyThirtyTwoLowerCaseHexDigitsNameABlobSoNoPathCanEscapeTheStore(@ForAll("names") String name) {
        boolean md5 = BlobStore.isMd5(name);
        assertThat(md5).isEqualTo(name != null && name.matches("[0-9a-f]{32}"));
        if (md5) {
            assertThat(name).doesNotContain("/", "\\", "..", "\u0000");
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .withChars("0123456789abcdefABCDEF./\\%\u0000")
                        .ofLength(32),
                Arbitraries.strings()
                        .withChars("0123456789abcdef")
                        .ofMinLength(30)
                        .ofMaxLength(34),
                Arbitraries.strings().ofMaxLength(64),
                Arbitraries.of(
                        "../../../../etc/passwd",
                        "..%2F..%2Fetc%2Fpasswd",
                        "d41d8cd98f00b204e9800998ecf8427e/../x",
                        "d41d8cd98f00b204e9800998ecf8427\u0000"));
    }
}
