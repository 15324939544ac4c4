package io.dsp.ops.access;

import io.dsp.ops.OpsException;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.access.AccessPolicy;
import io.dsp.schemas.access.ServicePrincipal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ops kafka-access}: locks a cluster down for DSP ({@link AccessPolicy}). Run as the cluster's administrator,
 * its credential in {@code --command-config}; service passwords come from files in {@code --secrets-dir}, never from
 * the command line.
 */
@Command(
        name = "kafka-access",
        mixinStandardHelpOptions = true,
        description = {
            "Applies the services' Kafka principals (SCRAM-SHA-512) and least-privilege ACLs, and creates the shared"
                    + " topics, on a cluster with SASL and an authorizer.",
            "Run it as the cluster's administrator: --command-config names its client properties."
        })
public final class KafkaAccessCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(
            names = "--secrets-dir",
            paramLabel = "DIR",
            description =
                    "Directory with one file per service, kafka.<user>.password (e.g. kafka.dsp-gateway.password);"
                            + " a service without its file keeps the credential it has.")
    Path secretsDir;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "-1",
            description = "Replication factor of the shared topics it creates (default: the broker's).")
    short replicationFactor;

    @Option(names = "--show", description = "Only print the principals and their bindings; change nothing.")
    boolean show;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (show) {
            for (ServicePrincipal p : ServicePrincipal.values()) {
                out.println(p.principal());
                p.bindings().forEach(b -> out.println("  " + describe(b)));
            }
            out.flush();
            return 0;
        }
        Map<ServicePrincipal, String> passwords = passwords(secretsDir);
        try (KafkaAccess kafka = kafkaOptions.open()) {
            AccessPolicy.Applied applied = new AccessPolicy(kafka.admin()).apply(passwords, replicationFactor);
            out.println("shared topics and fleet group configs ensured; credentials set: " + applied.credentials()
                    + "; ACL bindings added: " + applied.bindingsAdded() + ", removed: " + applied.bindingsRemoved()
                    + " (" + ServicePrincipal.values().length + " principals)");
            out.flush();
            return 0;
        } catch (KafkaException | IllegalArgumentException e) {
            throw new OpsException(e.getMessage());
        }
    }

    /** The passwords found in {@code dir} ({@code kafka.<user>.password}, trimmed); none without a directory. */
    static Map<ServicePrincipal, String> passwords(Path dir) {
        Map<ServicePrincipal, String> passwords = new EnumMap<>(ServicePrincipal.class);
        if (dir == null) {
            return passwords;
        }
        if (!Files.isDirectory(dir)) {
            throw new OpsException("--secrets-dir " + dir + " is not a directory");
        }
        for (ServicePrincipal p : ServicePrincipal.values()) {
            Path file = dir.resolve(p.passwordFileName());
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String password;
            try {
                password = Files.readString(file).strip();
            } catch (IOException e) {
                throw new OpsException("Cannot read " + file + ": " + e.getMessage());
            }
            if (password.length() < AccessPolicy.MIN_PASSWORD_LENGTH) {
                throw new OpsException(file + " holds a password shorter than " + AccessPolicy.MIN_PASSWORD_LENGTH
                        + " characters; generate one with 'openssl rand -base64 32'");
            }
            passwords.put(p, password);
        }
        return passwords;
    }

    private static String describe(AclBinding b) {
        return b.entry().permissionType() + " " + b.entry().operation() + " "
                + b.pattern().resourceType() + " " + b.pattern().name()
                + (b.pattern().patternType() == PatternType.PREFIXED ? "*" : "");
    }
}
