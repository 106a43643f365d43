"""Development and benchmark data: the demo firms, users, catalog and portfolio (`seed_demo`),
the 1M-practice portfolio for benchmarks (`seed_scale`), and the helpers tests share with them.
No production app imports this package (an import-linter contract); tests may."""
