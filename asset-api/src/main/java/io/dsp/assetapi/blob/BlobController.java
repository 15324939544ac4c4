package io.dsp.assetapi.blob;

import io.dsp.assetapi.fleet.FleetSettings;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.BlobPaths;
import java.nio.file.Path;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/blobs/{md5}}: GPU workers download a blob by hash (so no shared disk is needed), authorised by
 * the fleet token, never by a license. Range requests are served, so a broken download can resume.
 */
@RestController
class BlobController {

    private final BlobStore blobs;
    private final FleetSettings fleet;

    BlobController(BlobStore blobs, FleetSettings fleet) {
        this.blobs = blobs;
        this.fleet = fleet;
    }

    @GetMapping(BlobPaths.BLOBS + "/{md5}")
    ResponseEntity<Resource> blob(
            @PathVariable String md5, @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        if (!fleet.configured()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "未配置 dsp.fleet.token，拒绝下载");
        }
        if (!fleet.authorises(auth)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "鉴权失败");
        }
        if (!BlobStore.isMd5(md5)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "hash 必须为 32 位小写 md5");
        }
        Path path = blobs.find(md5).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "文件不存在: " + md5));
        // A worker fetching it for a task: in use, so the retention sweep leaves it.
        blobs.touch(md5);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .eTag("\"" + md5 + "\"")
                .body(new FileSystemResource(path));
    }
}
