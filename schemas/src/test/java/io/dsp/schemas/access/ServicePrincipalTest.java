package io.dsp.schemas.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.topic.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServicePrincipalTest {

    @Test
    void everyServiceHasItsOwnUser() {
        assertThat(Arrays.stream(ServicePrincipal.values()).map(ServicePrincipal::user))
                .doesNotHaveDuplicates()
                .allMatch(u -> u.startsWith("dsp-"));
    }

    @ParameterizedTest
    @EnumSource(ServicePrincipal.class)
    void bindingsOnlyAllowAndOnlyNameTheirOwnPrincipal(ServicePrincipal principal) {
        assertThat(principal.bindings()).isNotEmpty().allSatisfy(b -> {
            assertThat(b.entry().principal()).isEqualTo(principal.principal());
            assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
            assertThat(b.entry().host()).isEqualTo("*");
        });
    }

    @Test
    void onlyTheEdgesAndTheOperatorsToolMayWriteOrCreateTenantTopics() {
        assertThat(holders(ResourceType.TOPIC, "dsp.tasks.", AclOperation.WRITE))
                .containsExactlyInAnyOrder(ServicePrincipal.ASSET_API, ServicePrincipal.GATEWAY, ServicePrincipal.OPS);
        assertThat(holders(ResourceType.TOPIC, "dsp.tasks.", AclOperation.CREATE))
                .containsExactlyInAnyOrder(ServicePrincipal.ASSET_API, ServicePrincipal.GATEWAY, ServicePrincipal.OPS);
    }

    @Test
    void onlyTheDispatcherReleasesIntoTheDispatchTopics() {
        assertThat(holders(ResourceType.TOPIC, Topics.DISPATCH.name(), AclOperation.WRITE))
                .containsExactly(ServicePrincipal.DISPATCHER);
        assertThat(holders(ResourceType.TOPIC, Topics.AUTOMATION_DISPATCH.name(), AclOperation.WRITE))
                .containsExactly(ServicePrincipal.DISPATCHER);
    }

    @Test
    void licenseKeysAreReadOnlyByWhoChecksThemAndWrittenOnlyByWhoProvisionsThem() {
        assertThat(holders(ResourceType.TOPIC, Topics.LICENSES.name(), AclOperation.READ))
                .containsExactlyInAnyOrder(ServicePrincipal.ASSET_API, ServicePrincipal.GATEWAY, ServicePrincipal.OPS);
        assertThat(holders(ResourceType.TOPIC, Topics.LICENSES.name(), AclOperation.WRITE))
                .containsExactlyInAnyOrder(ServicePrincipal.ASSET_API, ServicePrincipal.OPS);
    }

    @Test
    void noServiceMayAlterTheClusterOrItsAclsAndNoneHoldsAllExceptOnItsOwnStreamsTopics() {
        List<AclBinding> all = Arrays.stream(ServicePrincipal.values())
                .flatMap(p -> p.bindings().stream())
                .toList();
        assertThat(all)
                .filteredOn(b -> b.pattern().resourceType() == ResourceType.CLUSTER)
                .extracting(b -> b.entry().operation())
                .containsOnly(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        assertThat(all)
                .filteredOn(b -> b.entry().operation() == AclOperation.ALL)
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.entry().principal()).isEqualTo(ServicePrincipal.ASSET_API.principal());
                    assertThat(b.pattern().name()).isEqualTo(ServicePrincipal.STREAMS_APPLICATION_ID + "-");
                    assertThat(b.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
                });
    }

    @Test
    void theKafkaUiOnlyDescribesAndReads() {
        assertThat(ServicePrincipal.KAFKA_UI.bindings())
                .extracting(b -> b.entry().operation())
                .containsOnly(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.READ);
    }

    private static Set<ServicePrincipal> holders(ResourceType type, String name, AclOperation op) {
        return Arrays.stream(ServicePrincipal.values())
                .filter(p -> p.bindings().stream()
                        .anyMatch(b -> b.pattern().resourceType() == type
                                && b.pattern().name().equals(name)
                                && b.entry().operation() == op))
                .collect(Collectors.toSet());
    }
}
