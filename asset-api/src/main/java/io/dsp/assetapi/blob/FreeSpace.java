package io.dsp.assetapi.blob;

import java.io.IOException;
import java.nio.file.Path;

/** How many bytes can still be written on the volume of a directory; an interface so a test can fake a full disk. */
public interface FreeSpace {

    long usableBytes(Path directory) throws IOException;
}
