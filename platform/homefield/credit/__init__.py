"""`homefield credit`: what each team's changes did downstream, home and away, from git history."""
