#!/usr/bin/env python3
"""The headline tables of one same-run round (scripts/bench-round.sh) from the anchors' results.csv.

    scripts/headline.py LABEL [RESULTS_CSV]

RESULTS_CSV defaults to $ANCHORS_WORK/results/results.csv (ANCHORS_WORK defaults to /tmp/anchors).
Only rows with clean=yes are used: rows labelled LABEL for the headline and the secondary table,
rows labelled LABEL-cold for the cold table. If a configuration has several clean rows under the
label, the last one written wins. Prints Markdown; stdlib only.
"""
import csv
import os
import sys

ESCROW, FLOOR = "escrow-store", "escrow-store engine floor"
# which way each driver mode accepts a payment
WAY = {
    # escrow-store's adapter answers the driver's blind mode with exactly one claim() per payment:
    # the store compares and sets inside that one call, and a failed compare returns the stored
    # channel in the same answer; so blind mode is escrow-store's own way of accepting a payment
    (ESCROW, "blind"): "one `claim()`",
    (FLOOR, "blind"): "one `claim()`, engine floor",
    (ESCROW, "claim"): "linearizable read + `claim()`",
    (FLOOR, "claim"): "linearizable read + `claim()`, engine floor",
    "claim": "read + CAS",
    "blind": "CAS on a cached version (a failed compare refreshes the cache)",
}
DASH = "–"


def system(store):
    """The table's name of a driver's store column, or None for rows the headline leaves out.

    The engine floor's rows are escrow-store rows whose store name says "floor" (the adapter's floor
    rows start with "escrowstore-floor")."""
    s = store.lower()
    if s.startswith("escrow-store") or s.startswith("escrowstore-floor"):
        if "local reads" in s:
            return None  # an upper bound with non-linearizable reads, not a valid configuration
        return FLOOR if "floor" in s else ESCROW
    if s.startswith("etcd"):
        return "etcd"
    if s.startswith("zookeeper"):
        return "ZooKeeper"
    if "rheakv" in s:
        return "RheaKV"
    return None


def lost(rnd, name):
    """Lost acknowledged claims of a system; the floor stores nothing, so its audit means nothing."""
    return "n/a (stores nothing)" if name == FLOOR else fmt(rnd.lost.get(name), 0)


def read_rows(path):
    """Every row of a results.csv that may hold several header blocks (one per driver version)."""
    rows, header = [], None
    with open(path, newline="") as f:
        for rec in csv.reader(f):
            if rec and rec[0] == "time":
                header = rec
            elif header and rec:
                rows.append(dict(zip(header, rec)))
    return rows


def num(r, key):
    """The float in column key, or None if missing, empty or NaN."""
    try:
        v = float(r.get(key, ""))
    except ValueError:
        return None
    return None if v != v else v


def fmt(v, digits=2):
    return DASH if v is None else f"{v:.{digits}f}"


def cpu_ms_per_payment(r):
    """Machine-wide busy cores (servers, the driver's clients and the kernel) per committed payment/s, in ms."""
    cores, rate = num(r, "cpu_busy_cores"), num(r, "committed_per_s")
    return None if cores is None or not rate else cores / rate * 1000


def ratio(ours, theirs):
    return DASH if ours is None or not theirs else f"{ours / theirs:.2f}×"


class Round:
    """The clean rows of one label by (system, mode, clients, target); the last one written wins."""

    def __init__(self, rows, label):
        self.best, self.lost = {}, {}
        for r in rows:
            name = system(r.get("store", ""))
            if name is None or r.get("label") != label:
                continue
            # acknowledged claims missing from the store, over every attempt (clean or not)
            lost = num(r, "lost_acked_total")
            if lost is not None:
                self.lost[name] = max(self.lost.get(name, 0), lost)
            if r.get("clean") == "yes":
                self.best[(name, r["mode"], int(r["clients"]), r["target"])] = r
        self.systems = sorted({k[0] for k in self.best}, key=order)

    def get(self, name, mode, clients=64, target="spread"):
        return self.best.get((name, mode, clients, target))

    def headline_mode(self, name):
        """escrow-store and its floor: blind (one claim()); a peer: whichever mode committed more at 64 clients."""
        if name in (ESCROW, FLOOR):
            return "blind"
        modes = [m for m in ("claim", "blind") if self.get(name, m)]
        return max(modes, key=lambda m: num(self.get(name, m), "committed_per_s") or 0) if modes else None


def order(name):
    known = [ESCROW, FLOOR, "etcd", "ZooKeeper", "RheaKV"]
    return known.index(name) if name in known else len(known)


def way(name, mode):
    return WAY.get((name, mode), WAY.get(mode, mode))


def headline(rnd):
    ours = rnd.get(ESCROW, "blind")
    ours_rate = num(ours, "committed_per_s") if ours else None
    out = ["| system | way of accepting a payment | payments/s (64 clients) | CAS p99 ms | CPU ms per payment "
           "| 1 client CAS p50 ms via leader | via follower | lost acknowledged claims | escrow-store ÷ this |",
           "|" + "---|" * 9]
    for name in rnd.systems:
        mode = rnd.headline_mode(name)
        r = rnd.get(name, mode) if mode else None
        if r is None:
            out.append(f"| {name} | {way(name, mode or 'blind')} | (no clean 64-client row) |" + f" {DASH} |" * 6)
            continue
        leader, follower = rnd.get(name, mode, 1, "leader"), rnd.get(name, mode, 1, "follower")
        rate = num(r, "committed_per_s")
        out.append("| " + " | ".join([
            name, way(name, mode), fmt(rate, 0), fmt(num(r, "cas_p99_ms")), fmt(cpu_ms_per_payment(r), 3),
            fmt(num(leader, "cas_p50_ms") if leader else None), fmt(num(follower, "cas_p50_ms") if follower else None),
            lost(rnd, name), DASH if name == ESCROW else ratio(ours_rate, rate)]) + " |")
    return out


def secondary(rnd):
    ours = rnd.get(ESCROW, "claim")
    ours_rate = num(ours, "committed_per_s") if ours else None
    out = ["| system | way of accepting a payment | payments/s (64 clients) | CAS p99 ms | read + CAS p99 ms "
           "| CPU ms per payment | 1 client read + CAS p50 ms via leader | via follower | escrow-store ÷ this |",
           "|" + "---|" * 9]
    for name in rnd.systems:
        r = rnd.get(name, "claim")
        if r is None and name == FLOOR:
            continue  # the round runs the floor in blind mode only: its reads are the store's own
        if r is None:
            out.append(f"| {name} | {way(name, 'claim')} | (no clean 64-client row) |" + f" {DASH} |" * 6)
            continue
        leader, follower = rnd.get(name, "claim", 1, "leader"), rnd.get(name, "claim", 1, "follower")
        rate = num(r, "committed_per_s")
        out.append("| " + " | ".join([
            name, way(name, "claim"), fmt(rate, 0), fmt(num(r, "cas_p99_ms")), fmt(num(r, "claim_p99_ms")),
            fmt(cpu_ms_per_payment(r), 3),
            fmt(num(leader, "claim_p50_ms") if leader else None),
            fmt(num(follower, "claim_p50_ms") if follower else None),
            DASH if name == ESCROW else ratio(ours_rate, rate)]) + " |")
    return out


def cold(rnd):
    out = ["| system | mode | clients | first s of the load | payments/s | CAS p50 ms | CAS p99 ms | CAS max ms "
           "| CPU ms per payment | lost acknowledged claims |",
           "|" + "---|" * 10]
    for (name, mode, clients, _), r in sorted(rnd.best.items(), key=lambda kv: (order(kv[0][0]), kv[0][1:])):
        out.append("| " + " | ".join([
            name, mode, str(clients), fmt(num(r, "measure_s"), 0), fmt(num(r, "committed_per_s"), 0),
            fmt(num(r, "cas_p50_ms")),
            fmt(num(r, "cas_p99_ms")), fmt(num(r, "cas_max_ms")), fmt(cpu_ms_per_payment(r), 3),
            lost(rnd, name)]) + " |")
    return out


def main(argv):
    if len(argv) not in (2, 3) or argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    label = argv[1]
    path = argv[2] if len(argv) == 3 else os.path.join(
        os.environ.get("ANCHORS_WORK", "/tmp/anchors"), "results", "results.csv")
    if not os.path.isfile(path):
        print(f"no results file {path}", file=sys.stderr)
        return 1
    rows = read_rows(path)
    main_round, cold_round = Round(rows, label), Round(rows, label + "-cold")
    if not main_round.systems and not cold_round.systems:
        print(f"no clean rows labelled {label} or {label}-cold in {path}", file=sys.stderr)
        return 1
    print(f"### Headline (label {label}, 64 clients spread over the members; same run)\n")
    print("\n".join(headline(main_round)))
    print("\n### Secondary: the peers' claim mode, a read then a compare-and-set, for every system\n")
    print("\n".join(secondary(main_round)))
    print(f"\n### Cold: the first seconds of a fresh JVM or fresh servers (label {label}-cold)\n")
    print("\n".join(cold(cold_round)) if cold_round.systems else "(no clean cold rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
