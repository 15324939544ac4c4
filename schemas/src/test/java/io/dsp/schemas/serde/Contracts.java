package io.dsp.schemas.serde;

import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerPresence;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/** Every top-level contract: the types that are the value of a topic or a state store. */
final class Contracts {

    static final List<Class<? extends SpecificRecordBase>> TOP_LEVEL = List.of(
            TaskRequested.class,
            TaskEvent.class,
            AssetRecord.class,
            WorkerPresence.class,
            DeadLetter.class,
            License.class,
            QueueFacts.class,
            TaskLife.class,
            DeviceBinding.class,
            TaskControl.class,
            WorkerCommand.class,
            RelayFrame.class);

    private Contracts() {}
}
