package io.dsp.assetapi.web;

/** Where blobs are served, for the license guard (which leaves this path to the fleet token) and for answers. */
public final class BlobPaths {

    /** Workers' download path prefix; a blob is {@code BLOBS + "/" + md5}. */
    public static final String BLOBS = "/api/v1/blobs";

    private BlobPaths() {}
}
