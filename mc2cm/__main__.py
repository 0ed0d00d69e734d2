"""Command line for staff and scripts.

    python -m mc2cm validate [DATA_DIR]
    python -m mc2cm import TABLE FILE [--data-dir DIR] [--who NAME] [--update-rows | --allow-removals]
    python -m mc2cm history [--data-dir DIR]
    python -m mc2cm restore TABLE [VERSION] [--data-dir DIR] [--who NAME]
    python -m mc2cm serve [STREAMLIT OPTIONS…]      e.g. --server.port 8501 --server.address 0.0.0.0
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mc2cm.loading import default_data_dir

if TYPE_CHECKING:
    from mc2cm.store import SaveRefused


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


def _data_dir(args: argparse.Namespace) -> Path | None:
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if not data_dir.is_dir():
        print(f"ERROR: {data_dir} is not a folder. Give the folder that holds the CSV files.")
        return None
    return data_dir


def _table_name(name: str, data_dir: Path) -> str | None:
    from mc2cm.schema import package_spec  # noqa: PLC0415

    spec = package_spec(data_dir)
    table = name.removesuffix(".csv")
    if table not in spec.table_names:
        print(f"ERROR: '{name}' is not a table. The tables are: {', '.join(spec.table_names)}.")
        return None
    return table


def _data_dir_and_table(args: argparse.Namespace) -> tuple[Path, str] | None:
    data_dir = _data_dir(args)
    table = _table_name(args.table, data_dir) if data_dir is not None else None
    return (data_dir, table) if data_dir is not None and table is not None else None


# What to type next when an import would delete rows (a filtered download imported as the whole table).
_REMOVAL_HELP = ("If the file holds only some rows (a filtered download), run the import again with --update-rows:"
                 " its rows replace those with the same ids and nothing is deleted. To delete the rows it lacks, run"
                 " it again with --allow-removals.")


def _report_refusal(exc: SaveRefused) -> int:
    print(f"REFUSED: {exc.message}")
    for problem in exc.problems:
        print(problem)
    if exc.code in ("removals", "referenced"):
        print(_REMOVAL_HELP)
    print("Nothing was changed.")
    return 1


def _cmd_import(args: argparse.Namespace) -> int:
    from mc2cm.store import SaveRefused, save_table  # noqa: PLC0415

    target = _data_dir_and_table(args)
    if target is None:
        return 1
    data_dir, table = target
    source = Path(args.file)
    if not source.is_file():
        print(f"ERROR: {source} is not a file.")
        return 1
    try:
        result = save_table(data_dir, table, source.read_bytes(), who=args.who, update_rows=args.update_rows,
                            allow_removals=args.allow_removals)
    except SaveRefused as exc:
        return _report_refusal(exc)
    counts = result.diff.counts()
    print(f"Saved {table}: {counts['added']} added, {counts['changed']} changed, {counts['removed']} removed. "
          f"Previous version kept as {result.entry.backup or '(none: new file)'}.")
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from mc2cm.store import history  # noqa: PLC0415

    data_dir = _data_dir(args)
    if data_dir is None:
        return 1
    entries = history(data_dir)
    if not entries:
        print("No saves yet.")
    for entry in entries:
        print(entry.line())
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from mc2cm.store import SaveRefused, restore  # noqa: PLC0415

    target = _data_dir_and_table(args)
    if target is None:
        return 1
    data_dir, table = target
    try:
        result = restore(data_dir, table, args.version, who=args.who)
    except SaveRefused as exc:
        return _report_refusal(exc)
    print(f"Restored {table} ({result.entry.action}). The version it replaced is kept as {result.entry.backup}.")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    """Rewrite the vocabulary tables of DATA_DIR/README.md from DATA_DIR/datapackage.json."""
    from mc2cm.schema import package_spec, with_vocabulary_docs  # noqa: PLC0415

    readme = Path(args.data_dir) / "README.md"
    before = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    after = with_vocabulary_docs(before, package_spec(args.data_dir))
    if after != before:
        readme.write_text(after, encoding="utf-8")
    print(f"{readme}: vocabularies {'updated' if after != before else 'already current'}")
    return 0


def _cmd_export_site(args: argparse.Namespace) -> int:
    """Write the offline copy: a static site in every language, and its zip."""
    from mc2cm.lastgood import load_serving  # noqa: PLC0415
    from mc2cm.site import export_site  # noqa: PLC0415

    data_dir = _data_dir(args)
    if data_dir is None:
        return 1
    data = load_serving(data_dir)
    if data.as_of is not None:
        print(f"WARNING: the data files have errors; the copy is made from the last valid version ({data.as_of:%Y-%m-%d %H:%M}).")
    report = export_site(data, Path(args.folder), args.url or "")
    print(f"{report.folder}: {report.pages} pages, {report.bytes_on_disk / 1e6:.1f} MB; "
          f"{report.zip_path}: {report.zip_bytes / 1e6:.1f} MB. Open {report.folder / 'index.html'} in any browser.")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    """Start the app behind its front door, the same way on Windows, macOS and Linux (no shell needed)."""
    from mc2cm.assets import ASSETS_FIX, missing_assets  # noqa: PLC0415

    missing = missing_assets()
    if missing:
        print(f"WARNING: the map's files are missing from this copy of the app ({', '.join(missing)}): the map will stay"
              f" blank.\n  Fix: {ASSETS_FIX}  (in the app's folder, or download the app again; then start again)")
    entry = Path(__file__).resolve().parent.parent / "serve.py"
    command = [sys.executable, "-m", "streamlit", "run", str(entry), *args.streamlit_options]
    os.chdir(entry.parent)
    if os.name == "posix":  # become the server: signals (Ctrl+C, a service manager's stop) reach it directly
        os.execv(sys.executable, command)  # noqa: S606 - our own interpreter and entry file
    return subprocess.call(command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mc2cm", description="MC2CM dataset tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the CSV files against the schema and the cross-table rules")
    validate.add_argument("data_dir", nargs="?", help="folder with the CSV files (default: $MC2CM_DATA_DIR or ./data)")
    validate.add_argument("-v", "--verbose", action="store_true", help="also show notes on how files were read")
    validate.set_defaults(func=_cmd_validate)

    def common(cmd: argparse.ArgumentParser, *, who: bool = True) -> None:
        cmd.add_argument("--data-dir", help="folder with the CSV files (default: $MC2CM_DATA_DIR or ./data)")
        if who:
            who_default = os.environ.get("USER") or os.environ.get("USERNAME") or "command line"
            cmd.add_argument("--who", default=who_default, help="your name, for the change log")

    imp = sub.add_parser("import", help="validate a CSV and save it as TABLE (the previous version is kept)")
    imp.add_argument("table", help="table name, e.g. cities or initiatives")
    imp.add_argument("file", help="the CSV to import (Excel's CSV flavours are accepted)")
    how = imp.add_mutually_exclusive_group()
    how.add_argument("--update-rows", action="store_true",
                     help="the file holds some rows (e.g. a filtered download): they replace the rows with the same "
                          "ids, new ids are added, nothing is deleted")
    how.add_argument("--allow-removals", action="store_true",
                     help="the file replaces the whole table and rows it lacks are deleted (refused without this)")
    common(imp)
    imp.set_defaults(func=_cmd_import)
    hist = sub.add_parser("history", help="list the saves: time, table, who, rows added/changed/removed")
    common(hist, who=False)
    hist.set_defaults(func=_cmd_history)
    res = sub.add_parser("restore", help="bring back a saved version (default: the one before the last save)")
    res.add_argument("table")
    res.add_argument("version", nargs="?", help="a version name from `history` (default: the latest backup)")
    common(res)
    res.set_defaults(func=_cmd_restore)
    docs = sub.add_parser("docs", help="rewrite the vocabulary tables in DATA_DIR/README.md from the schema")
    docs.add_argument("data_dir", nargs="?", default="data")
    docs.set_defaults(func=_cmd_docs)
    site = sub.add_parser("export-site", help="write the offline copy: static pages in every language, and DIR.zip")
    site.add_argument("folder", help="where to write it (emptied first); the zip goes beside it")
    site.add_argument("--url", help="the dashboard's public address, printed in the pages (e.g. https://mc2cm.example)")
    common(site, who=False)
    site.set_defaults(func=_cmd_export_site)
    serve = sub.add_parser("serve", help="start the dashboard (http://localhost:8501 unless options say otherwise)")
    serve.epilog = "Other options go to `streamlit run`, e.g. --server.port 8502 --server.address 0.0.0.0."
    serve.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "serve":
        args.streamlit_options = extra  # --server.port and friends belong to Streamlit
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # staff never see a traceback
        print(f"ERROR: the command could not finish: {exc.__class__.__name__}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
