package io.dsp.assetapi.heygem;

import io.dsp.assetapi.blob.BlobStore;
import io.dsp.assetapi.blob.Extensions;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * A {@code heygem_submit} payload from a client's JSON ({@code audio_hash}, {@code audio_ext}, {@code video_hash},
 * {@code video_ext}), with the GPU server's messages. Inputs are checked against the blob store here, while the client
 * can still upload them, not when a GPU finally runs the task.
 */
@Component
public class HeyGemInputs {

    private final BlobStore blobs;

    HeyGemInputs(BlobStore blobs) {
        this.blobs = blobs;
    }

    public HeyGemSubmitPayload payload(Map<String, ?> body) {
        String audioHash = text(body.get("audio_hash"));
        String videoHash = text(body.get("video_hash"));
        if (audioHash == null || videoHash == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "audio_hash 和 video_hash 不能为空");
        }
        String audioExt = extension(body.get("audio_ext"), ".wav");
        String videoExt = extension(body.get("video_ext"), ".mp4");
        if (!blobs.has(audioHash)) {
            throw new ApiException(HttpStatus.NOT_FOUND, "音频文件不存在: " + audioHash + audioExt + "，请先上传");
        }
        if (!blobs.has(videoHash)) {
            throw new ApiException(HttpStatus.NOT_FOUND, "视频文件不存在: " + videoHash + videoExt + "，请先上传");
        }
        return new HeyGemSubmitPayload(audioHash, audioExt, videoHash, videoExt);
    }

    private static String text(Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            return null;
        }
        return text.strip().toLowerCase(Locale.ROOT);
    }

    private static String extension(Object value, String fallback) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return fallback;
        }
        if (!(value instanceof String ext) || !Extensions.isValid(ext.strip().toLowerCase(Locale.ROOT))) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "文件扩展名格式错误");
        }
        return ext.strip().toLowerCase(Locale.ROOT);
    }
}
