package io.escrowstore.raft;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The picocli converters of {@link NodeLauncher}'s option types; each failure says what was expected. */
final class LauncherConverters {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private LauncherConverters() {
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601 ({@code PT5S}); not negative. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.trim();
            Duration duration = text.equals("0") ? Duration.ZERO : parse(text);
            if (duration.isNegative()) {
                throw new TypeConversionException("'" + value + "' is negative");
            }
            return duration;
        }

        private static Duration parse(String text) {
            Matcher m = SHORT_DURATION.matcher(text);
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(
                        "'" + text + "' is not a duration; use e.g. 500ms, 5s, 2m, 1h or PT5S");
            }
        }
    }

    /** {@code host:port}, see {@link Member#parse}. */
    static final class MemberConverter implements ITypeConverter<Member> {
        @Override
        public Member convert(String value) {
            return converted(value, Member::parse);
        }
    }

    /** 32 bytes of hex with or without {@code 0x}, see {@link GroupId#fromHex}. */
    static final class GroupIdConverter implements ITypeConverter<GroupId> {
        @Override
        public GroupId convert(String value) {
            return converted(value, GroupId::fromHex);
        }
    }

    private static <T> T converted(String value, Function<String, T> parser) {
        try {
            return parser.apply(value.trim());
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
