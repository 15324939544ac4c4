package io.dsp.ops.migrate;

import io.dsp.ops.OpsException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The legacy pending lists in Redis. Entries are removed only from the head, one at a time, and only if the head is
 * still the entry that was migrated; each removal also counts up {@code dsp:migrated:pending_tasks:<key>} in the same
 * script, so an entry's absolute position in its list (removed entries + index) survives a crash between runs. That
 * counter's name is outside the legacy {@code dsp:pending_tasks:*} pattern, so the legacy flush never touches it.
 */
final class RedisLists implements AutoCloseable {

    static final String PREFIX = "dsp:pending_tasks:";
    static final String COUNTER_PREFIX = "dsp:migrated:pending_tasks:";

    /** LPOP only if the head is the migrated entry, and count it; -1 when the head is something else. */
    private static final String REMOVE_HEAD = "if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then"
            + " redis.call('LPOP', KEYS[1]) return redis.call('INCR', KEYS[2]) else return -1 end";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;

    RedisLists(String url, Duration timeout) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new OpsException("--redis-url: not a Redis URL: " + url, 2);
        }
        uri.setTimeout(timeout);
        client = RedisClient.create(uri);
        try {
            connection = client.connect();
        } catch (RedisException e) {
            client.shutdown();
            throw new OpsException(
                    "Cannot reach Redis at " + uri.getHost() + ":" + uri.getPort() + ": " + e.getMessage());
        }
        redis = connection.sync();
    }

    /** Every pending list, sorted by name. */
    List<String> lists() {
        List<String> out = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page =
                    redis.scan(cursor, ScanArgs.Builder.matches(PREFIX + "*").limit(500));
            for (String key : page.getKeys()) {
                if ("list".equals(redis.type(key))) {
                    out.add(key);
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        out.sort(null);
        return out;
    }

    List<String> entries(String list) {
        return redis.lrange(list, 0, -1);
    }

    /** How many entries earlier runs removed from the head of this list. */
    long removedBefore(String list) {
        String value = redis.get(counterOf(list));
        return value == null ? 0 : Long.parseLong(value);
    }

    /** Removes the head if it is this entry; false when the list changed under us. */
    boolean removeHead(String list, String entry) {
        Long result = redis.eval(REMOVE_HEAD, ScriptOutputType.INTEGER, new String[] {list, counterOf(list)}, entry);
        return result != null && result >= 0;
    }

    static String licenseOf(String list) {
        return list.substring(PREFIX.length());
    }

    private static String counterOf(String list) {
        return COUNTER_PREFIX + licenseOf(list);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
