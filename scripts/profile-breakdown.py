#!/usr/bin/env python3
"""Where the CPU of a benchmark went: sorts async-profiler's collapsed CPU samples into classes.

Usage: profile-breakdown.py cpu.txt [cpu ms per accepted payment]

cpu.txt is async-profiler's `collapsed` output recorded with the `threads` option (each stack starts
with its thread's name). A sample is a *hand-off* when its leaf is the kernel's scheduler or futex
code, or when it is under LockSupport park/unpark; otherwise it gets the first class below whose
pattern matches its thread or stack, tried in the table's order. Given the CPU milliseconds one
accepted payment cost, the table also shows each class in microseconds per payment.
"""
import re
import sys

HANDOFF_LEAF = re.compile(r"(schedule|futex|finish_task_switch|__switch_to|try_to_wake_up|pick_next|"
                          r"dequeue_task|enqueue_task|ttwu|psi_task|update_curr|native_queued_spin)")
HANDOFF_FRAME = re.compile(r"(LockSupport\.(park|unpark)|Unsafe\.(park|unpark)|Parker::|"
                           r"pthread_cond_(wait|timedwait|signal)|epoll_wait)")
CLASSES = [
    ("JIT compiler threads", re.compile(r"^\[?(C1 CompilerThre|C2 CompilerThre|Compiler)")),
    ("GC and VM threads", re.compile(r"^\[?(GC Thread|G1 |VM Thread|VM Periodic|Service Thread)")),
    ("the Raft log (RocksDB write, fsync)", re.compile(r"(rocksdb|RocksDB|fdatasync|fsync|ext4_|jbd2)")),
    ("network I/O (netty, socket syscalls)", re.compile(r"(io/netty|io\.netty|tcp_|sock_|__sys_send|"
                                                        r"__sys_recv|loopback|net_rx|__dev_queue)")),
    ("benchmark clients and driver", re.compile(r"(anchors/|anchors\.|testkit/bench|testkit\.bench|"
                                                r"HdrHistogram)")),
    ("escrow-store code (with the protobuf it calls)", re.compile(r"(io/escrowstore|io\.escrowstore)")),
    ("jraft and bolt", re.compile(r"(com/alipay|com\.alipay|lmax)")),
]


def classify(stack):
    frames = stack.split(";")
    if HANDOFF_LEAF.search(frames[-1]) or any(HANDOFF_FRAME.search(f) for f in frames):
        return "thread hand-offs (park/unpark, futex, scheduler)"
    for name, pattern in CLASSES:
        if pattern.search(frames[0]) if name.startswith(("JIT", "GC")) else pattern.search(stack):
            return name
    return "other"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    per_payment_ms = float(sys.argv[2]) if len(sys.argv) > 2 else None
    totals = {}
    for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        key = classify(stack)
        totals[key] = totals.get(key, 0) + int(count)
    all_samples = sum(totals.values()) or 1
    header = "| class | share of CPU samples |" + (" µs per payment |" if per_payment_ms else "")
    print(header)
    print("|---|--:|" + ("--:|" if per_payment_ms else ""))
    for key, count in sorted(totals.items(), key=lambda kv: -kv[1]):
        share = count / all_samples
        row = f"| {key} | {100 * share:.1f} % |"
        if per_payment_ms:
            row += f" {1000 * per_payment_ms * share:.1f} |"
        print(row)
    print(f"\n{all_samples} samples")


if __name__ == "__main__":
    main()
