package io.dsp.ops.task;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request ids of re-runs. A task the system recorded as ended (succeeded, failed, cancelled or dead-lettered) cannot run
 * again under its own id: the dispatcher drops a request id it saw end within its in-flight expiry, and the worker's
 * ledger skips one that succeeded, failed or was cancelled. A forced re-run therefore gets a derived id,
 * {@code <original>:rerun-<n>} (n = 1, 2, ...), which names its original and stays within the legacy request-id
 * alphabet ({@code [A-Za-z0-9._:-]}).
 */
public final class RequestIds {

    private static final Pattern RERUN = Pattern.compile("(.+):rerun-(\\d{1,9})");

    private RequestIds() {}

    /** The id of the first run of this task: itself unless it is a re-run's id. */
    public static String original(String requestId) {
        Matcher m = RERUN.matcher(requestId);
        return m.matches() ? m.group(1) : requestId;
    }

    /** 0 for an original id, n for {@code <original>:rerun-<n>}. */
    public static int rerunNumber(String requestId) {
        Matcher m = RERUN.matcher(requestId);
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    public static String rerun(String original, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("A re-run is numbered from 1: " + n);
        }
        return original + ":rerun-" + n;
    }
}
