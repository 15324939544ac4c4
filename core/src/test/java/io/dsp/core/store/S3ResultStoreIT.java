package io.dsp.core.store;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The S3 backend against a real S3-protocol server (S3Mock as a process), never a stub of the interface. */
class S3ResultStoreIT extends ResultStoreContract {

    private static S3MockProcess s3;
    private static int buckets;

    private S3ResultStore store;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3MockProcess.start();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void open() {
        // a fresh bucket per test, created by the store on its first write
        ResultStoreSettings.S3 settings = new ResultStoreSettings.S3(
                s3.endpoint().toString(), "us-east-1", "results-" + (++buckets), "test", "test-secret", true);
        store = new S3ResultStore(settings, Duration.ofHours(24));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    ResultStore store() {
        return store;
    }
}
