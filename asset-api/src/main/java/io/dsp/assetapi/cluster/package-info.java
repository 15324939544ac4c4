/**
 * Several asset-api instances as one: reads of a partitioned store (task lives, in-flight index) are answered by the
 * instance that owns the key's partition, over HTTP with the fleet token ({@code /internal/v1/stores/...}).
 */
package io.dsp.assetapi.cluster;
