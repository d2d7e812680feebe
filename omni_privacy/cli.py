"""The `omni-privacy` console script (also `python -m omni_privacy`).

Thin on purpose: every sub-command is a Django management command in an app's
management/commands/, so the console, tests and the CLI share one implementation.
"""

from __future__ import annotations

import os
import sys

# Sub-commands whose management command has another name (``import`` is a Python keyword).
ALIASES = {"import": "import_jsonl", "api-token": "api_token"}

USAGE = """usage: omni-privacy COMMAND [options]

Commands:
  migrate                     apply database migrations
  bootstrap                   first start: the notice, demo data and accounts (idempotent)
  run [--host H] [--port P]   web server and worker together (what make run starts)
  serve [--host H] [--port P] run the web application (production server)
  worker                      run the task worker and the periodic jobs
  policy show|check           print or validate the notice as policy
  retention plan              list what is due for deletion or anonymisation
  retention run|check|replay  sweep what is due; alarm on late holdings; replay erasures
  retention hold|release|holds  legal holds
  retention runs|register     runs and their receipts; the anonymisation register
  people show EMAIL           a person and their holdings (held, unknown or erased)
  people request-erasure EMAIL  record a deletion request
  import FILE.jsonl           import organisations and holdings through the gate
  instances add|list          customer instances (sources of the monthly sync)
  stores add|check|scan|list  external stores (Omni's other databases) and their datasets
  stores access|erase NAME --email E  what a store holds about a person; erase it (all or nothing)
  sync import INSTANCE FILE   apply a user-profile snapshot (JSON lines or CSV)
  sync pull [INSTANCE]        fetch each instance's snapshot over HTTP(S) and apply it
  sync check                  each instance's last sync; exit 1 if older than 31 days
  intake mail PATH            inbound mail (Maildir or mbox) to sales contacts
  notices import|publish|list versions of the privacy notice (FR/EN)
  officers delegate|revoke|list  written delegations of the privacy-officer role
  mailings send-update|incident-alert  purpose-checked campaigns to the people concerned
  mailings announce-notice --version N  announce a notice version to everyone held (§11)
  mailings list               campaigns and their delivery
  outbox status|deliver       outgoing mail per status; one delivery round now
  dsr list|show|check         rights requests: the queue, one request; exit 1 if overdue
  dsr submit|verify|extend|assign|answer|deny|withdraw  the workflow (--as OFFICER)
  api-token create|list|revoke  staff API tokens for /api/v1 (expiry, scope; shown once)
  drp agent-add|agents|agent-disable|callbacks  Data Rights Protocol agents (docs/drp.md)
  demo --people N --seed S    fill the registry with fictional data
  audit verify                check the audit log's hash chain
  createstaff                 create a staff account in a team

Every time-dependent command takes --as-of YYYY-MM-DD (what it records carries that day);
every command reporting a result takes --json. `omni-privacy COMMAND --help` for more.
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni_privacy.settings")
    from django.core.management import execute_from_command_line

    command = ALIASES.get(args[0], args[0])
    execute_from_command_line(["omni-privacy", command, *args[1:]])


if __name__ == "__main__":
    main()
