package io.dsp.launcher.broker;

import java.util.Map;
import java.util.Objects;

/**
 * A broker that authenticates every connection (SASL) and authorizes every request (ACLs): the locked-down Kafka of a
 * deployment, reproduced on one node for tests. The administrator signs in with SASL/PLAIN, its credential kept in the
 * broker's config file (owner-only), never on a command line; services sign in with SCRAM-SHA-512 credentials the
 * administrator creates ({@code ops kafka-access apply}). Listeners stay on 127.0.0.1.
 *
 * @param adminUser the super user's name ({@code User:<adminUser>} is the only super user)
 * @param adminPassword its password
 */
public record BrokerSecurity(String adminUser, String adminPassword) {

    public BrokerSecurity {
        Objects.requireNonNull(adminUser, "adminUser");
        Objects.requireNonNull(adminPassword, "adminPassword");
        if (!adminUser.matches("[A-Za-z0-9._-]+") || adminPassword.isEmpty() || adminPassword.contains("\"")) {
            throw new IllegalArgumentException(
                    "an admin user of [A-Za-z0-9._-] and a password without '\"' are needed");
        }
    }

    /** The SASL mechanism services use. */
    public static final String SERVICE_MECHANISM = "SCRAM-SHA-512";

    /** Client settings (beyond bootstrap servers) of the administrator. */
    public Map<String, Object> adminClientProperties() {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", plainLogin(adminUser, adminPassword));
    }

    /** Client settings (beyond bootstrap servers) of a service signing in with its SCRAM credential. */
    public static Map<String, Object> serviceClientProperties(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                SERVICE_MECHANISM,
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    /** The server properties that turn authentication and authorization on (listener names as in ServerProperties). */
    Map<String, String> serverProperties() {
        String plain =
                plainLogin(adminUser, adminPassword).replace(";", " user_" + adminUser + "=\"" + adminPassword + "\";");
        return Map.of(
                "listener.security.protocol.map",
                "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "sasl.enabled.mechanisms",
                "PLAIN," + SERVICE_MECHANISM,
                "sasl.mechanism.inter.broker.protocol",
                "PLAIN",
                "sasl.mechanism.controller.protocol",
                "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                plain,
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.controller.sasl.enabled.mechanisms",
                "PLAIN",
                "listener.name.controller.plain.sasl.jaas.config",
                plain,
                "authorizer.class.name",
                "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users",
                "User:" + adminUser);
    }

    private static String plainLogin(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    @Override
    public String toString() {
        return "BrokerSecurity[adminUser=" + adminUser + ", adminPassword=***]";
    }
}
