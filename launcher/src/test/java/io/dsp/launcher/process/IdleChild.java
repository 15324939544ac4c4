package io.dsp.launcher.process;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/** A small child JVM for {@code ClassArchiveDumpIT}: loads a few classes, says it is ready, and waits to be stopped. */
public final class IdleChild {

    static final String READY = "idle child ready";

    private IdleChild() {}

    public static void main(String[] args) throws InterruptedException {
        List<Object> loaded =
                List.of(LocalDate.of(2026, 12, 4), new ConcurrentSkipListMap<String, String>(), Pattern.compile("a+b"));
        System.out.println(READY + " (" + loaded.size() + " objects)");
        new CountDownLatch(1).await();
    }
}
