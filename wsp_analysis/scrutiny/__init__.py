"""For the scrutineer: verify recomputes a rendered report from its recorded inputs and checks every file a
reader sees against manifest.json (verify.py; verify_benchmark.py for the benchmark)."""
