package io.dsp.assetapi.task;

import io.dsp.core.kafka.ClientSecurity;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class TaskKafkaConfiguration {

    /**
     * Creates tenant topics on first use; the shared topics are provisioned at start-up too, for a fresh broker, and
     * this release's writer schemas published (ADR 027).
     */
    @Bean(destroyMethod = "")
    TopicProvisioner topicProvisioner(Admin admin, KafkaAdmin kafkaAdmin) {
        TopicProvisioner provisioner = new TopicProvisioner(admin, (short) -1);
        provisioner.ensureSharedTopicsAndGroups();
        WriterSchemas.connect(ClientSecurity.of(kafkaAdmin.getConfigurationProperties()));
        return provisioner;
    }

    @Bean(destroyMethod = "close")
    Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
        return Admin.create(kafkaAdmin.getConfigurationProperties());
    }
}
