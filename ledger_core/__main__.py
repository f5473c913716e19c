"""`python -m ledger_core --database-url URL --host H --port N`: run the reference ledger under uvicorn."""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn

from ledger_core.app import create_app
from ledger_core.crypto import LedgerKeysMissing

URL_ENV = "IVR_LEDGER_CORE__DATABASE_URL"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ledger_core", description=__doc__)
    # The URL may hold a password: a parent process can pass it in the environment instead of the command line.
    parser.add_argument("--database-url", default=os.environ.get(URL_ENV, "sqlite:///var/ledger_core.db"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    try:
        app = create_app(args.database_url)
    except LedgerKeysMissing as exc:  # one line naming the settings, not a traceback
        print(f"ledger_core: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    # No access log: query strings carry phone numbers, which are never logged.
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)


if __name__ == "__main__":
    main()
