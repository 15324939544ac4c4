/**
 * The contracts every DSP module speaks: Avro event types ({@code io.dsp.schemas.avro}, generated), their Kafka serdes
 * ({@link io.dsp.schemas.serde}), the topic catalogue ({@link io.dsp.schemas.topic}) and the license-key to tenant
 * topic rule ({@link io.dsp.schemas.tenant}).
 */
package io.dsp.schemas;
