package io.dsp.ops.license;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops licenses}. */
@Command(
        name = "licenses",
        mixinStandardHelpOptions = true,
        description = "Provisions, disables and lists licenses in dsp.licenses (as asset-api's admin API does).",
        subcommands = {ProvisionLicenseCommand.class, DisableLicenseCommand.class, ListLicensesCommand.class})
public final class LicensesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Say what to do: provision, disable or list.");
    }
}
