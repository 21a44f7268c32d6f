"""service.yaml `deviations:`: where a service departs from a platform default, and why.

The platform has shared tools but few hard requirements. A team may depart from one of the
platform's defaults if it shows with data why: `deviations: [{standard, reason, evidence}]`,
where `evidence` links to a benchmark in the repository or a dashboard. The house rules
(OWNERS, file ownership, tests, the runbook, SLOs) allow no deviation.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# The defaults a service may deviate from, with what the scorecard checks.
DEVIABLE_STANDARDS: dict[str, str] = {
    "runtime": "built on homefield.runtime (ServiceApp)",
    "sli-kinds": "every SLI uses a platform SLI kind",
    "dashboard": "its dashboard is the one `homefield render` generates",
    "retries-timeouts": "retries and timeouts are the platform's (no own settings or timeouts)",
}

# House rules: a deviation from one of these is refused.
FIXED_STANDARDS: dict[str, str] = {
    "owners": "every service has an OWNERS file naming its team",
    "file-ownership": "every file has an owner",
    "tests": "every service has tests",
    "runbook": "every alert has a runbook section",
    "slos": "every service has SLOs",
}


class Deviation(BaseModel):
    """One declared deviation; ``evidence`` is a repository path or a URL with the data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    standard: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    evidence: str | None = Field(default=None, min_length=1)


def deviation_problem(standard: str) -> str | None:
    """Why ``standard`` cannot be deviated from, or None when it can."""
    if standard in DEVIABLE_STANDARDS:
        return None
    if standard in FIXED_STANDARDS:
        return (
            f"no deviation is allowed from {standard!r} ({FIXED_STANDARDS[standard]});"
            f" deviable standards: {', '.join(DEVIABLE_STANDARDS)}"
        )
    return f"unknown standard {standard!r}; deviable standards: {', '.join(DEVIABLE_STANDARDS)}"
