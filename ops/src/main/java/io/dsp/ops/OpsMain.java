package io.dsp.ops;

/** Entry point of the ops CLI on its own ({@code java -jar ops/target/ops-<version>.jar ...}). */
public final class OpsMain {

    private OpsMain() {}

    public static void main(String[] args) {
        System.exit(OpsCommand.commandLine().execute(args));
    }
}
