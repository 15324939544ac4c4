package io.dsp.assetapi.heygem;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.task.TypedTask;
import java.util.Map;
import org.springframework.stereotype.Component;

/** {@code heygem_submit} over {@code POST /api/v1/tasks}: the same inputs and checks as the legacy submit call. */
@Component
class HeyGemTask extends TypedTask {

    private final HeyGemInputs inputs;

    HeyGemTask(HeyGemInputs inputs) {
        super("heygem_submit", "heygem_");
        this.inputs = inputs;
    }

    @Override
    public Object payload(AuthenticatedLicense license, Map<String, Object> payload) {
        return inputs.payload(payload);
    }
}
