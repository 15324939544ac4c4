package io.dsp.assetapi.cluster;

import io.dsp.assetapi.fleet.FleetSettings;
import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.assetapi.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/v1/stores/{store}?key=...}: a value of one of this instance's own partitions of a partitioned
 * store ({@code task-lives}; {@code in-flight-tasks} with {@code after} and {@code limit}: the oldest unfinished tasks of
 * {@code key = license|type}), serialized, for another asset-api instance. Fleet token only: task lives carry license
 * keys. Answers only locally (404 when this instance does not hold it), never forwards.
 */
@RestController
class InternalStoreController {

    static final String PATH = "/internal/v1/stores";

    private final ReadModels readModels;
    private final FleetSettings fleet;

    InternalStoreController(ReadModels readModels, FleetSettings fleet) {
        this.readModels = readModels;
        this.fleet = fleet;
    }

    @GetMapping(PATH + "/{store}")
    ResponseEntity<byte[]> read(
            @PathVariable String store,
            @RequestParam("key") String key,
            @RequestParam(value = "after", defaultValue = "0") long after,
            @RequestParam(value = "limit", defaultValue = "1") int limit,
            @RequestHeader(value = "Authorization", required = false) String authorization) {
        if (!fleet.configured()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "未配置 dsp.fleet.token，拒绝访问");
        }
        if (!fleet.authorises(authorization)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "鉴权失败");
        }
        return readModels
                .localBytes(store, key, after, limit)
                .map(bytes -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .body(bytes))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "不存在"));
    }
}
