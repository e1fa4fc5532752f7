#!/usr/bin/env python3
"""Tests of headline.py on a synthetic results.csv with the anchors driver's header.

    python3 scripts/headline_test.py
"""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import headline  # noqa: E402

# the column order the anchors driver writes (its row map, in insertion order)
HEADER = ("time,store,label,mode,clients,target,leader,keys,value_bytes,warmup_s,measure_s,committed_per_s,"
          "rejected_per_s,errors,cas_p50_ms,cas_p99_ms,cas_p999_ms,cas_max_ms,cas_mean_ms,claim_p50_ms,"
          "claim_p99_ms,claim_p999_ms,read_p50_ms,read_p99_ms,cpu_busy_pct,cpu_busy_cores,iowait_pct,"
          "client_cores,server_cores,foreign_cores,quiet_wait_s,attempt,clean,first_error,acked_total,"
          "lost_acked_total,lost_acked_this_run")
ESCROW = "escrow-store 0.1.0 (jraft 1.3.15)"
FLOOR = "escrow-store 0.1.0 (jraft 1.3.15) [engine floor]"
ETCD = "etcd 3.5.17 (jetcd 0.8.3)"
ZK = "ZooKeeper 3.9.3"


def row(store, label, mode, clients, target, committed, cas_p50=1.0, cas_p99=5.0, claim_p50=2.0, claim_p99=9.0,
        busy_cores=1.5, clean="yes", lost=0, measure=20):
    values = dict.fromkeys(HEADER.split(","), "0")
    values.update(time="2026-01-01T00:00:00Z", store=store, label=label, mode=mode, clients=str(clients),
                  target=target, measure_s=str(measure), committed_per_s=str(committed), cas_p50_ms=str(cas_p50),
                  cas_p99_ms=str(cas_p99), cas_max_ms="30.0", claim_p50_ms=str(claim_p50),
                  claim_p99_ms=str(claim_p99), read_p50_ms="NaN", cpu_busy_cores=str(busy_cores), clean=clean,
                  first_error="", lost_acked_total=str(lost), lost_acked_this_run=str(lost))
    return ",".join(values[k] for k in HEADER.split(","))


def system_rows(store, label, claim_rate, blind_rate, **kw):
    out = []
    for mode, rate in (("claim", claim_rate), ("blind", blind_rate)):
        out.append(row(store, label, mode, 64, "spread", rate, **kw))
        out.append(row(store, label, mode, 1, "leader", rate / 40, cas_p50=0.5 if mode == "blind" else 0.7,
                       claim_p50=1.1, **kw))
        out.append(row(store, label, mode, 1, "follower", rate / 50, cas_p50=0.9 if mode == "blind" else 1.3,
                       claim_p50=1.7, **kw))
    return out


class HeadlineTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.csv = os.path.join(self.dir.name, "results.csv")
        lines = [HEADER]
        lines += system_rows(ESCROW, "r1", 3000, 8000)
        lines += system_rows(FLOOR, "r1", 5000, 16000)
        lines += system_rows(ETCD, "r1", 2000, 4000, lost=0)
        lines += system_rows(ZK, "r1", 3000, 2500)
        # a disturbed attempt (not clean) that must not be used, and another label that must not be used
        lines.append(row(ETCD, "r1", "blind", 64, "spread", 99999, clean="no", lost=2))
        lines.append(row(ESCROW, "other", "blind", 64, "spread", 77777))
        # a second header block (another driver version) before the cold rows
        lines.append(HEADER)
        lines.append(row(ESCROW, "r1-cold", "blind", 64, "spread", 1200, cas_p99=80.0, measure=10))
        lines.append(row(ZK, "r1-cold", "blind", 64, "spread", 1500, cas_p99=40.0, measure=10))
        with open(self.csv, "w") as f:
            f.write("\n".join(lines) + "\n")

    def tearDown(self):
        self.dir.cleanup()

    def render(self, label="r1"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = headline.main(["headline.py", label, self.csv])
        return code, out.getvalue()

    def table(self, text, title_start):
        """The data rows (cells) of the table after the heading that starts with title_start."""
        block = text.split("### " + title_start, 1)[1].split("###", 1)[0]
        rows = [line for line in block.splitlines() if line.startswith("|") and "---" not in line]
        return [[c.strip() for c in line.strip("|").split("|")] for line in rows[1:]]

    def test_headline_has_one_row_per_system_with_escrow_store_blind_and_the_peers_better_mode(self):
        code, text = self.render()
        self.assertEqual(0, code)
        rows = {r[0]: r for r in self.table(text, "Headline")}
        self.assertEqual(["escrow-store", "escrow-store engine floor", "etcd", "ZooKeeper"], list(rows))
        self.assertEqual(["one `claim()`", "8000", "5.00", "0.188", "0.50", "0.90", "0", "–"], rows["escrow-store"][1:])
        self.assertEqual("4000", rows["etcd"][2])  # blind beats claim for etcd; the unclean 99999 is ignored
        self.assertEqual("2", rows["etcd"][7])  # but its lost claim counts
        self.assertEqual("2.00×", rows["etcd"][8])
        self.assertEqual("read + CAS", rows["ZooKeeper"][1])  # claim beats blind for ZooKeeper
        self.assertEqual(["3000", "5.00", "0.500", "0.70", "1.30", "0", "2.67×"], rows["ZooKeeper"][2:])
        self.assertEqual("0.50×", rows["escrow-store engine floor"][8])

    def test_secondary_table_is_claim_mode_for_every_system(self):
        _, text = self.render()
        rows = {r[0]: r for r in self.table(text, "Secondary")}
        self.assertEqual(["escrow-store", "escrow-store engine floor", "etcd", "ZooKeeper"], list(rows))
        self.assertEqual("linearizable read + `claim()`", rows["escrow-store"][1])
        self.assertEqual(["2000", "5.00", "9.00", "0.750", "1.10", "1.70", "1.50×"], rows["etcd"][2:])

    def test_cold_table_lists_the_cold_label_only(self):
        _, text = self.render()
        rows = self.table(text, "Cold")
        self.assertEqual([["escrow-store", "blind", "64", "10", "1200", "1.00", "80.00", "30.00", "1.250", "0"],
                          ["ZooKeeper", "blind", "64", "10", "1500", "1.00", "40.00", "30.00", "1.000", "0"]], rows)

    def test_unknown_label_is_an_error(self):
        code, _ = self.render("nope")
        self.assertEqual(1, code)


if __name__ == "__main__":
    unittest.main()
