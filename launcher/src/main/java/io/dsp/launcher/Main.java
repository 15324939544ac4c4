package io.dsp.launcher;

import io.dsp.launcher.cli.DspCommand;

/** Entry point of {@code ./dsp}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(DspCommand.commandLine().execute(args));
    }
}
