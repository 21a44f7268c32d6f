"""Away-team contribution checks (`homefield check`), the override ledger and the scorecard."""
