package io.dsp.assetapi.blob;

import java.util.Locale;
import java.util.regex.Pattern;

/** File extensions as the legacy system kept them: with the dot, lower case, short and plain. */
public final class Extensions {

    private static final Pattern EXT = Pattern.compile("\\.[a-z0-9]{1,10}");

    private Extensions() {}

    /** The given extension, else the filename's, else {@code .bin}; anything odd becomes {@code .bin}. */
    public static String normalise(String ext, String filename) {
        String candidate = ext;
        if ((candidate == null || candidate.isBlank()) && filename != null && filename.lastIndexOf('.') >= 0) {
            candidate = filename.substring(filename.lastIndexOf('.'));
        }
        if (candidate == null || candidate.isBlank()) {
            return ".bin";
        }
        candidate = candidate.strip().toLowerCase(Locale.ROOT);
        if (!candidate.startsWith(".")) {
            candidate = "." + candidate;
        }
        return EXT.matcher(candidate).matches() ? candidate : ".bin";
    }

    /** Whether a client-sent extension is acceptable as is. */
    public static boolean isValid(String ext) {
        return ext != null && EXT.matcher(ext).matches();
    }
}
