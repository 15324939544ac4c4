package io.dsp.assetapi.limits;

import io.dsp.core.license.QuotaLimiter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The limits' own Redis connection (opened at start-up, so a wrong address fails the start), shared by every asset-api
 * instance. A failing command throws, and the limiter counts locally meanwhile.
 */
final class RedisQuotaStore implements QuotaLimiter.Store {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisQuotaStore(RedisClient client) {
        this.client = client;
        this.connection = client.connect();
    }

    @Override
    public Long eval(String script, String key, String argument) {
        return connection.sync().eval(script, ScriptOutputType.INTEGER, new String[] {key}, argument);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
