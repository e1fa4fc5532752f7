package io.escrowstore.launcher;

import io.escrowstore.Member;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The picocli converters of the admin commands' typed options; each failure says what was expected. */
final class LauncherConverters {
    private LauncherConverters() {
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601, as {@link StoreProperties#duration}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return StoreProperties.duration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code host:port}, see {@link Member#parse}. */
    static final class MemberConverter implements ITypeConverter<Member> {
        @Override
        public Member convert(String value) {
            try {
                return Member.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
