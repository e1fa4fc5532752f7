package io.escrowstore.testkit;

/**
 * What happens to messages on one directed link: cut (every message lost), lossy (each message
 * lost with a probability), slow (each message held for a uniformly random delay). Immutable.
 *
 * @param cut every message is lost
 * @param lossRate probability, 0..1, that a message is lost
 * @param delayMinMillis least delay of a delivered message
 * @param delayMaxMillis largest delay of a delivered message
 */
record LinkRule(boolean cut, double lossRate, long delayMinMillis, long delayMaxMillis) {
    /** A healthy link. */
    static final LinkRule CLEAN = new LinkRule(false, 0, 0, 0);
    /** A cut link. */
    static final LinkRule CUT = new LinkRule(true, 0, 0, 0);

    LinkRule {
        if (lossRate < 0 || lossRate > 1) {
            throw new IllegalArgumentException("lossRate must be 0..1 but was " + lossRate);
        }
        if (delayMinMillis < 0 || delayMaxMillis < delayMinMillis) {
            throw new IllegalArgumentException("delay must satisfy 0 <= min <= max but was " + delayMinMillis + ".."
                    + delayMaxMillis);
        }
    }

    boolean clean() {
        return !cut && lossRate == 0 && delayMaxMillis == 0;
    }

    LinkRule withLoss(double rate) {
        return new LinkRule(cut, rate, delayMinMillis, delayMaxMillis);
    }

    LinkRule withDelay(long minMillis, long maxMillis) {
        return new LinkRule(cut, lossRate, minMillis, maxMillis);
    }
}
