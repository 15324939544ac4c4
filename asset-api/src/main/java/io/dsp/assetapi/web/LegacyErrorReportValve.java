package io.dsp.assetapi.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error page for what the container refuses before any servlet runs (an undecodable path, an illegal
 * character, a header too large), in the legacy envelope instead of an HTML page: clients parse every answer as
 * {@code {code, msg}}. Installed on the host by {@link LegacyErrorPages}.
 */
public class LegacyErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String message = status >= 500 ? "服务器内部错误，请稍后重试" : "请求无效";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"code\":" + status + ",\"msg\":\"" + message + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was taken over: nothing more to say.
        }
    }
}
