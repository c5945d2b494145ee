"""``make bench`` is not run in CI, so its core script runs here once at full shape and tiny
repeats: a change to the APIs it uses (as the treebeard 5 pin did) fails here, not on the
night someone wants the figures."""

from __future__ import annotations

import pytest

from tools import bench

pytestmark = pytest.mark.django_db


def test_the_core_benchmark_builds_its_tree_and_measures(capsys):
    prefectures = bench.build_tree()
    bench.bench_subtree(prefectures, 2)
    bench.bench_audit(10)
    bench.bench_healthz(2)
    lines = capsys.readouterr().out.splitlines()
    assert "bench org_tree_units 2073 units" in lines
    assert "bench org_subtree_queries 1 queries" in lines
    names = {line.split()[1] for line in lines if line.startswith("bench ")}
    assert {"org_subtree_ms", "audit_append_per_s", "audit_verify_per_s", "healthz_rps"} <= names
