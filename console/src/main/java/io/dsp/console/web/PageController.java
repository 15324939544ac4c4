package io.dsp.console.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard page: one static file set under {@code static/console/}, reached at {@code /} or {@code /console/}. */
@Controller
class PageController {

    @GetMapping({"/", "/console"})
    String root() {
        return "redirect:/console/";
    }

    @GetMapping("/console/")
    String page() {
        return "forward:/console/index.html";
    }
}
