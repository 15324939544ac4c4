package io.dsp.schemas.access;

import io.dsp.schemas.topic.TopicProvisioner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;

/**
 * Makes a cluster's DSP access what {@link ServicePrincipal} says, as its administrator: the shared topics and the
 * fleets' group configs exist, each service principal has its SCRAM-SHA-512 credential, and the ACLs of those
 * principals are exactly the catalogue's (missing bindings added, any other binding of theirs removed). Idempotent.
 */
public final class AccessPolicy {

    /** PBKDF2 iterations of the stored SCRAM credentials (Kafka's minimum is 4096). */
    static final int SCRAM_ITERATIONS = 8192;

    /** Shortest service password accepted. */
    public static final int MIN_PASSWORD_LENGTH = 16;

    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;

    /** @param admin a client signed in as the cluster's super user */
    public AccessPolicy(Admin admin) {
        this.admin = admin;
    }

    /** What {@link #apply} changed. */
    public record Applied(int credentials, int bindingsAdded, int bindingsRemoved) {}

    /**
     * Applies the policy; {@code passwords} may name only some principals (the others keep their credentials).
     *
     * @param replicationFactor of the shared topics it creates; -1 for the broker's default
     */
    public Applied apply(Map<ServicePrincipal, String> passwords, short replicationFactor) {
        new TopicProvisioner(admin, replicationFactor).ensureSharedTopicsAndGroups();
        int credentials = setCredentials(passwords);
        int[] changed = setBindings();
        return new Applied(credentials, changed[0], changed[1]);
    }

    private int setCredentials(Map<ServicePrincipal, String> passwords) {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (ServicePrincipal principal : ServicePrincipal.values()) {
            if (!passwords.containsKey(principal)) {
                continue;
            }
            String password = passwords.get(principal);
            if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
                throw new IllegalArgumentException("the password of " + principal.user() + " is shorter than "
                        + MIN_PASSWORD_LENGTH + " characters");
            }
            upserts.add(new UserScramCredentialUpsertion(
                    principal.user(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                    password));
        }
        if (!upserts.isEmpty()) {
            get(admin.alterUserScramCredentials(upserts).all(), "set the services' credentials");
        }
        return upserts.size();
    }

    /** Adds the catalogue's bindings and removes every other binding of its principals; {added, removed}. */
    private int[] setBindings() {
        Set<AclBinding> wanted = new HashSet<>();
        for (ServicePrincipal p : ServicePrincipal.values()) {
            wanted.addAll(p.bindings());
        }
        List<AclBindingFilter> stale = new ArrayList<>();
        Set<AclBinding> present = new HashSet<>();
        for (ServicePrincipal p : ServicePrincipal.values()) {
            AclBindingFilter ofPrincipal = new AclBindingFilter(
                    ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter(p.principal(), null, AclOperation.ANY, AclPermissionType.ANY));
            for (AclBinding binding : get(admin.describeAcls(ofPrincipal).values(), "list the ACLs")) {
                if (wanted.contains(binding)) {
                    present.add(binding);
                } else {
                    stale.add(binding.toFilter());
                }
            }
        }
        List<AclBinding> missing =
                wanted.stream().filter(b -> !present.contains(b)).toList();
        if (!missing.isEmpty()) {
            get(admin.createAcls(missing).all(), "create ACLs");
        }
        if (!stale.isEmpty()) {
            get(admin.deleteAcls(stale).all(), "delete stale ACLs");
        }
        return new int[] {missing.size(), stale.size()};
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while trying to " + what, e);
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out trying to " + what + " after " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
