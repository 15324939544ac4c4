package io.dsp.launcher.cli;

import io.dsp.launcher.stack.Service;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which services {@code --only} and {@code --without} select. The broker ({@code kafka}) always runs: every service
 * needs it, so {@code --only=kafka} means the broker alone.
 */
final class ComponentSelection {

    static final String KAFKA = "kafka";

    private ComponentSelection() {}

    /**
     * The services to start, in start order.
     *
     * @param only names given to {@code --only}, or null when the option is absent
     * @param without names given to {@code --without}, or null when the option is absent
     * @throws IllegalArgumentException with a sentence for the user when the names make no sense
     */
    static List<Service> select(List<String> only, List<String> without) {
        if (only != null && without != null) {
            throw new IllegalArgumentException("Use either --only or --without, not both.");
        }
        if (only != null) {
            Set<String> names = validNames("--only", only);
            if (names.isEmpty()) {
                throw new IllegalArgumentException(
                        "--only needs at least one name (--only=kafka starts the broker alone). " + valid());
            }
            return Arrays.stream(Service.values())
                    .filter(s -> names.contains(s.id()))
                    .toList();
        }
        Set<String> names = validNames("--without", without == null ? List.of() : without);
        if (names.contains(KAFKA)) {
            throw new IllegalArgumentException("kafka cannot be left out: every service needs it.");
        }
        return Arrays.stream(Service.values())
                .filter(s -> !names.contains(s.id()))
                .toList();
    }

    private static Set<String> validNames(String option, List<String> given) {
        Set<String> names = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : given) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equals(KAFKA) || Service.byId(trimmed).isPresent()) {
                names.add(trimmed);
            } else {
                unknown.add(trimmed);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown name" + (unknown.size() > 1 ? "s" : "") + " in " + option + ": "
                    + String.join(", ", unknown) + ". " + valid());
        }
        return names;
    }

    private static String valid() {
        List<String> names = new ArrayList<>(List.of(KAFKA));
        names.addAll(Service.ids());
        return "Valid names: " + String.join(", ", names) + ".";
    }
}
