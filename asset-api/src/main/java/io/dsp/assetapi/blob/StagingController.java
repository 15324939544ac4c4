package io.dsp.assetapi.blob;

import io.dsp.assetapi.license.AuthenticatedLicense;
import io.dsp.assetapi.web.ApiException;
import io.dsp.assetapi.web.ApiResponse;
import io.dsp.assetapi.web.BlobPaths;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The legacy file staging calls of the GPU server (section 4.3), offered by the always-on edge so that clients can
 * stage synthesis inputs while every GPU is off: {@code check_files} says which hashes are already stored, {@code
 * upload_file} stores one file by content. Files land in the shared blob store, where workers fetch them by hash.
 */
@RestController
class StagingController {

    private static final Logger log = LoggerFactory.getLogger(StagingController.class);
    static final int MAX_FILES_PER_CHECK = 100;

    private final BlobStore blobs;

    StagingController(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** {@code {"files":[{"hash":"<md5>","ext":".wav"}]}} → {@code {"<md5>":true,...}}. */
    @PostMapping("/api/heygem/check_files")
    ApiResponse checkFiles(@RequestBody Map<String, Object> body) {
        if (!(body.get("files") instanceof List<?> files)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 files 字段");
        }
        if (files.size() > MAX_FILES_PER_CHECK) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "files 最多 " + MAX_FILES_PER_CHECK + " 个");
        }
        Map<String, Boolean> found = new LinkedHashMap<>();
        for (Object file : files) {
            if (!(file instanceof Map<?, ?> entry) || !(entry.get("hash") instanceof String hash) || hash.isBlank()) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 hash 字段");
            }
            // Blobs are stored by content alone; the extension is the client's bookkeeping. A hit marks the file as
            // in use, as the GPU server's pool did, so the retention sweep keeps what a client is about to use.
            found.put(hash, blobs.touch(hash));
        }
        return ApiResponse.ok("ok", found);
    }

    /**
     * Multipart {@code file}, {@code hash}, {@code ext}. As the GPU server did, a file whose content does not match
     * {@code hash} is kept under its actual md5 and that hash is returned (the mobile app sends a temporary hash).
     */
    @PostMapping("/api/heygem/upload_file")
    ApiResponse uploadFile(
            @RequestParam(value = "file", required = false) MultipartFile file,
            @RequestParam(value = "hash", required = false) String hash,
            @RequestParam(value = "ext", required = false) String ext,
            HttpServletRequest request) {
        if (file == null || file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 file 字段");
        }
        if (hash == null || hash.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 hash 字段");
        }
        BlobStore.Blob blob = store(file);
        if (!blob.md5().equals(hash.strip().toLowerCase(java.util.Locale.ROOT))) {
            log.info(
                    "staged file hash differs from the client's: sent={} actual={} license={}",
                    hash,
                    blob.md5(),
                    AuthenticatedLicense.of(request).masked());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("hash", blob.md5());
        data.put("ext", Extensions.normalise(ext, file.getOriginalFilename()));
        data.put("size", blob.size());
        // The legacy server_path was a path on the GPU host; here the blob's location on the edge.
        data.put("server_path", BlobPaths.BLOBS + "/" + blob.md5());
        return ApiResponse.ok("上传成功", data);
    }

    /**
     * {@code POST /api/v1/files}, multipart {@code file}: {@code upload_file} for v1 clients, which learn the hash
     * from the answer instead of sending one. 201 with {@code {hash, size, server_path}}; 400, 413, and 507 when the
     * disk is below its free-space threshold.
     */
    @PostMapping("/api/v1/files")
    ResponseEntity<ApiResponse> stage(@RequestParam(value = "file", required = false) MultipartFile file) {
        if (file == null || file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "缺少 file 字段");
        }
        BlobStore.Blob blob = store(file);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("hash", blob.md5());
        data.put("size", blob.size());
        data.put("server_path", BlobPaths.BLOBS + "/" + blob.md5());
        return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok("上传成功", data));
    }

    /** Every refusal (size, free space) before a byte is written, then the file into the store. */
    private BlobStore.Blob store(MultipartFile file) {
        if (file.getSize() > blobs.maxBytes()) {
            throw BlobStore.tooLarge(blobs.maxBytes());
        }
        blobs.requireRoomFor(file.getSize());
        try {
            return blobs.put(file.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
