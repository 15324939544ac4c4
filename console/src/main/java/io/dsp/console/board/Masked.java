package io.dsp.console.board;

/**
 * License keys as the console shows them: enough to tell tenants apart, not enough to use one (the same rule as
 * asset-api's logs). Nothing the console serves or logs carries a whole key.
 */
public final class Masked {

    private Masked() {}

    /** {@code abc***yz}; keys of six characters or fewer become {@code ***}. */
    public static String licenseKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.length() <= 6) {
            return "***";
        }
        return key.substring(0, 3) + "***" + key.substring(key.length() - 2);
    }

    /** Free text (an error message) with every occurrence of the key replaced by its masked form. */
    static String text(String text, String key) {
        if (text == null || key == null || key.isEmpty()) {
            return text;
        }
        return text.replace(key, licenseKey(key));
    }
}
