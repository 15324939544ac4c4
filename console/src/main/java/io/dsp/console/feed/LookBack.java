package io.dsp.console.feed;

/** Where to start reading a partition so that at most a given number of its latest records are read. */
final class LookBack {

    private LookBack() {}

    static long start(Long beginning, Long end, long records) {
        long first = beginning == null ? 0 : beginning;
        long last = end == null ? first : end;
        return Math.max(first, last - records);
    }
}
