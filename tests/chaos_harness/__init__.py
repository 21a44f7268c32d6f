"""`make chaos` and the chaos system test: faults under outside load, ordered by counts."""
