package io.matrixone.cdc.source;

import java.util.List;

/**
 * Which quiet table the {@link ChangeProbe} looks at next. Every other probe goes to the tables that changed not long
 * ago (a table that had changes minutes ago is the likeliest to have them again: a batch job's next run, a feature
 * used in bursts), in turn; the others go to all quiet tables in turn. So a table waking up again is found within a
 * few of those tables' probes rather than a round of all of them (200 tables at 50 probes/s: 4 s), and every quiet
 * table is still probed at least every 2 x tables / probes-per-second seconds.
 */
final class ProbeOrder {

    private final List<? extends ChangeProbe.Probed> streams;
    private int next;
    private int nextRecent;
    private boolean recentTurn;

    ProbeOrder(List<? extends ChangeProbe.Probed> streams) {
        this.streams = streams;
    }

    /** The next table to probe and its checkpoint, or null when no table is quiet now. */
    Pick next(long nowNanos) {
        recentTurn = !recentTurn;
        if (recentTurn) {
            Found found = find(nextRecent, nowNanos, true);
            if (found != null) {
                nextRecent = (found.at() + 1) % streams.size();
                return found.pick();
            }
        }
        Found found = find(next, nowNanos, false);
        if (found == null) {
            return null;
        }
        next = (found.at() + 1) % streams.size();
        return found.pick();
    }

    /** The first quiet table (that changed recently, if asked) from {@code start} on, in turn; null when none. */
    private Found find(int start, long nowNanos, boolean recentOnly) {
        for (int i = 0; i < streams.size(); i++) {
            int at = (start + i) % streams.size();
            ChangeProbe.Probed stream = streams.get(at);
            long from = stream.probeFrom(nowNanos);
            if (from > 0 && (!recentOnly || stream.changedRecently(nowNanos))) {
                return new Found(at, new Pick(stream, from));
            }
        }
        return null;
    }

    private record Found(int at, Pick pick) {
    }

    record Pick(ChangeProbe.Probed stream, long from) {
    }
}
