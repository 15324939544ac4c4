package io.dsp.ops.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The times an operator types: an ISO-8601 instant, a local date-time, {@code now}, or an age such as {@code 2h}. */
public final class Times {

    private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");

    private Times() {}

    /**
     * @throws IllegalArgumentException with the accepted forms when the text is none of them
     */
    public static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.strip();
        if (t.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher age = AGE.matcher(t.toLowerCase(Locale.ROOT));
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration unit = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return now.minus(unit.multipliedBy(n));
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // not an instant; maybe a local date-time
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: use an ISO-8601 instant"
                    + " (2026-11-29T07:00:00Z), a local date-time (2026-11-29T15:00), now, or an age back from now"
                    + " (30m, 2h, 1d)");
        }
    }

    /** An age for tables: {@code 42s}, {@code 5m12s}, {@code 3h04m}, {@code 2d03h}. */
    public static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }
}
