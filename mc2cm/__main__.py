"""Command line: ``python -m mc2cm validate [DATA_DIR]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mc2cm.loading import default_data_dir


def _cmd_validate(args: argparse.Namespace) -> int:
    from mc2cm.validation import has_errors, validate_dir  # noqa: PLC0415 - fast --help

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if not data_dir.is_dir():
        print(f"ERROR: {data_dir} is not a folder. Give the folder that holds the CSV files.")
        return 1
    problems = validate_dir(data_dir)
    shown = [p for p in problems if p.severity != "info" or args.verbose]
    for problem in shown:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    if has_errors(problems):
        print(f"{data_dir}: NOT valid — {errors} error(s), {warnings} warning(s). Nothing was changed.")
        return 1
    print(f"{data_dir}: valid — 0 errors, {warnings} warning(s).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mc2cm", description="MC2CM dataset tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the CSV files against the schema and the cross-table rules")
    validate.add_argument("data_dir", nargs="?", help="folder with the CSV files (default: $MC2CM_DATA_DIR or ./data)")
    validate.add_argument("-v", "--verbose", action="store_true", help="also show notes on how files were read")
    validate.set_defaults(func=_cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # staff never see a traceback
        print(f"ERROR: the command could not finish: {exc.__class__.__name__}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
