package io.dsp.gateway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CancellationsTest {

    @Test
    void onlyTheOwningLicensesCancellationCounts() {
        Cancellations cancellations = new Cancellations();
        TaskRequested task = task("r1", "LIC-OWNER");
        cancellations.add(control("r1", "LIC-STRANGER"));
        assertThat(cancellations.of(task)).isEmpty();
        cancellations.add(control("r1", "LIC-OWNER"));
        assertThat(cancellations.of(task)).isPresent();
        assertThat(cancellations.of(task("r2", "LIC-OWNER"))).isEmpty();
    }

    @Test
    void anotherLicensesLaterCommandDoesNotUndoTheOwnersCancellation() {
        Cancellations cancellations = new Cancellations();
        TaskRequested task = task("r1", "LIC-OWNER");
        cancellations.add(control("r1", "LIC-OWNER"));
        cancellations.add(control("r1", "LIC-STRANGER"));
        assertThat(cancellations.of(task))
                .get()
                .extracting(TaskControl::getLicenseKey)
                .isEqualTo("LIC-OWNER");
    }

    @Test
    void theOldestCancellationsAreForgottenFirst() {
        Cancellations cancellations = new Cancellations();
        for (int i = 0; i <= Cancellations.CAPACITY; i++) {
            cancellations.add(control("r" + i, "LIC-OWNER"));
        }
        assertThat(cancellations.of(task("r0", "LIC-OWNER"))).isEmpty();
        assertThat(cancellations.of(task("r" + Cancellations.CAPACITY, "LIC-OWNER")))
                .isPresent();
    }

    private static TaskControl control(String requestId, String license) {
        return TaskControl.newBuilder()
                .setCommandId("c-" + requestId + license)
                .setRequestId(requestId)
                .setLicenseKey(license)
                .setAction(TaskAction.CANCEL)
                .setAt(Instant.now())
                .setSource("test")
                .build();
    }

    private static TaskRequested task(String requestId, String license) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(license)
                .setTaskType("delete_asset")
                .setPayload(DeleteAssetPayload.newBuilder().setAssetId(1).build())
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }
}
