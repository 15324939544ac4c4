/**
 * Retention: expired assets, unused blobs and expired results are removed on a schedule, as the GPU server's cleanup
 * loop removed its pool's files, so one license cannot fill the disk the brokers share.
 */
package io.dsp.assetapi.retention;
