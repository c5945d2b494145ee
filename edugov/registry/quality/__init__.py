"""Data quality (DB-6): a registry of rules, a runner, findings and scores.

A rule is one module in ``quality/rules/`` holding a ``@register_rule`` class (see
``quality/registry.py``); the runner (``quality/runner.py``) runs every rule over a subtree
of units, keeps one ``QualityFinding`` per rule and record (new → open, still there →
``last_seen``, gone → resolved) and stores a ``QualityScore`` per unit.
"""
