package io.dsp.gpuconsumer;

/** License keys as logs and metric tags show them: enough to tell licenses apart, not enough to use one. */
public final class LicenseMask {

    private LicenseMask() {}

    /** {@code abc***yz}: the first three and last two characters; {@code ***} for a key of six or fewer. */
    public static String mask(String licenseKey) {
        if (licenseKey == null) {
            return "-";
        }
        if (licenseKey.length() <= 6) {
            return "***";
        }
        return licenseKey.substring(0, 3) + "***" + licenseKey.substring(licenseKey.length() - 2);
    }
}
