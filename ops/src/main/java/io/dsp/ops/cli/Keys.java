package io.dsp.ops.cli;

/** License keys in output: masked as asset-api masks them in logs, unless the operator asks for them. */
public final class Keys {

    private Keys() {}

    public static String mask(String key) {
        if (key == null) {
            return "-";
        }
        if (key.length() <= 6) {
            return "***";
        }
        return key.substring(0, 3) + "***" + key.substring(key.length() - 2);
    }

    public static String show(String key, boolean unmasked) {
        return unmasked ? key : mask(key);
    }
}
