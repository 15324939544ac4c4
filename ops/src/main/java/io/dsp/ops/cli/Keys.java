package io.dsp.ops.cli;

import io.dsp.core.license.LicenseKeys;

/** License keys in output: masked as every service masks them in logs, unless the operator asks for them. */
public final class Keys {

    private Keys() {}

    public static String show(String key, boolean unmasked) {
        return unmasked ? key : LicenseKeys.mask(key);
    }
}
