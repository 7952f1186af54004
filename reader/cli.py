"""Command line: ``newsreader [--home DIR] [PATH...]`` opens the app; subcommands run headless.

Parse arguments, open the library home once, then hand it to the app or to a
command. User errors end in one line on stderr and exit status 1 (2 for usage
errors and bad queries); never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence

from index.errors import LibraryBusyError, NewsreaderError, QueryError
from index.home import LibraryHome, storage_error
from index.paths import ENV_HOME, resolve_home
from index.text import is_utf8, visible
from reader import output
from reader.commands import COMMANDS
from reader.config import load_config

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
FILE_ARGUMENTS = frozenset({"paths", "file", "output"})
"""Arguments that only name files to open: any bytes the file system takes will do (a
file whose name is not UTF-8 is skipped by ``add`` with its name shown)."""


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        metavar="DIR",
        help=f"library home (default: ${ENV_HOME}, else the platform's user data dir)",
    )
    parser.add_argument(
        "--ner",
        choices=("rules", "spacy", "off"),
        default="rules",
        help="entity tagger for new articles: rules (default), spacy (optional extra), off",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="A terminal news reader. Without a command, opens the reader "
        "(adding PATHs first); with one, runs it headless.",
    )
    _global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader", add_help=False)
    _global_options(parser)
    parser.add_argument("paths", nargs="*", metavar="PATH")
    return parser


def _wants_command(argv: Sequence[str]) -> bool:
    names = {command.NAME for command in COMMANDS}
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if arg in ("--home", "--ner"):
            skip_next = True
            continue
        if arg in ("-h", "--help"):
            return True
        if not arg.startswith("-"):
            return arg in names
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_command(argv):
        args = build_parser().parse_args(argv)
        if getattr(args, "run", None) is None:
            build_parser().print_help()
            return EXIT_USAGE
    else:
        args = build_app_parser().parse_args(argv)
        problem = _cannot_open_app(args.paths)
        if problem is not None:
            output.error(problem)
            return EXIT_USAGE
    problem = _not_utf8_argument(args)
    if problem is not None:
        output.error(problem)
        return EXIT_USAGE
    paths = resolve_home(args.home)
    home = LibraryHome(
        paths,
        tagger=None if args.ner == "off" else args.ner,
        on_reindex=_reindexing(),
        reset_unread_on_update=load_config(paths.config).reset_unread_on_update,
    )
    try:
        if getattr(args, "run", None) is not None:
            return int(args.run(args, home))
        return _run_app(args, home)
    except QueryError as error:
        output.error(f"bad query: {error}")
        return EXIT_USAGE
    except LibraryBusyError as error:
        output.error(str(error))
        return EXIT_ERROR
    except NewsreaderError as error:
        output.error(str(error))
        return EXIT_ERROR
    except sqlite3.Error as error:
        output.error(_database_problem(error, home))
        return EXIT_ERROR
    except BrokenPipeError:  # `newsreader search ... | head -1`: the reader left
        _silence_stdout()
        return EXIT_OK
    except OSError as error:
        where = f"the library in {home.paths.home}"
        if not home.paths.home.exists():
            where = f"a new library in {home.paths.home} (there is none yet)"
        trouble = storage_error(error, where, home.paths.home)
        if trouble is None:
            raise
        output.error(str(trouble))
        return EXIT_ERROR
    except KeyboardInterrupt:
        output.error("interrupted; what was committed is kept, run the command again to finish")
        return 130
    finally:
        home.close()


def _cannot_open_app(paths: Sequence[str]) -> str | None:
    """Why the reader cannot open as asked (a mistyped command, a missing path, no
    terminal), or None."""
    names = sorted(command.NAME for command in COMMANDS)
    for path in paths:
        if not os.path.exists(path):
            close = difflib.get_close_matches(path, names, n=1)
            if close or (path == paths[0] and os.sep not in path and "." not in path):
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                return f"unknown command {path!r}{hint}; commands: {', '.join(names)}"
            return f"no such file or folder: {path}"
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return (
            "the reader needs a terminal; without one, use a command "
            "(newsreader search, show, add, ... ; newsreader --help)"
        )
    return None


def _not_utf8_argument(args: argparse.Namespace) -> str | None:
    """Why an argument cannot be used (it is not UTF-8: an id, a query or a note from
    ``$'\\xff'``, which neither SQLite nor the index can hold), or None."""
    for name, value in vars(args).items():
        if name in FILE_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not is_utf8(item):
                flag = f"--{name.replace('_', '-')} " if name in ("home", "note", "tag") else ""
                return f"argument {flag}'{visible(item)}' is not UTF-8 text"
    return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush raises nothing more."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _database_problem(error: sqlite3.Error, home: LibraryHome) -> str:
    """One line for a SQLite failure met after the database opened: storage trouble (a full
    disk, a read-only home, no permission) by its name, damage with the way out."""
    path = home.paths.database
    trouble = storage_error(error, f"the library database {path}", home.paths.home)
    if trouble is not None:
        return str(trouble)
    if isinstance(error, sqlite3.OperationalError):
        return f"cannot use the library database {path}: {error}"
    return (
        f"the library database {path} is damaged ({error}). "
        "Run `newsreader recover` to back it up and start a fresh one."
    )


def _run_app(args: argparse.Namespace, home: LibraryHome) -> int:
    from reader.app import run_app

    home.reindex_if_stale()  # on the terminal, before the screen takes it
    return run_app(home, args.paths)


def _reindexing() -> Callable[[int, int], None]:
    """What the user is told while a search index from an older version is rebuilt on
    opening (see ``index.home.reindex``): a line when it starts, one when it is done."""
    started = [0.0]

    def told(done: int, total: int) -> None:
        if done == 0:
            started[0] = time.monotonic()
            output.notice(
                "the search index is from an older version of newsreader: rebuilding it "
                f"from the library database ({output.counted(total, 'article')})..."
            )
        elif done == total:
            seconds = time.monotonic() - started[0]
            rebuilt = output.counted(total, "article")
            output.notice(f"search index rebuilt ({rebuilt}, {seconds:.1f} s)")

    return told
