"""`omni-privacy drp agent-add|agents|agent-disable|callbacks`: the Data Rights Protocol's
authorised agents (docs/drp.md). An agent is registered out of band with its Ed25519 public
key (base64, as DRP 1.0 directories give it)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core.errors import AppError
from omni_privacy.drp.models import Agent
from omni_privacy.drp.services import agent_disable, agent_register, drp_callbacks_send
from omni_privacy.ops.tables import Table

ACTOR = "cli"


class Command(BaseCommand):
    help = "Authorised agents of the Data Rights Protocol 1.0."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("agent-add", help="register an agent and its public key")
        add.add_argument("agent_id", help="the agent's id in the DRP directory ([A-Z_]+)")
        add.add_argument("--name", required=True, help="the agent's name, as people know it")
        add.add_argument("--verify-key", required=True, help="its Ed25519 public key, base64")
        listing = actions.add_parser("agents", help="list the agents")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")
        disable = actions.add_parser("agent-disable", help="refuse an agent from now on")
        disable.add_argument("agent_id")
        actions.add_parser("callbacks", help="send the status callbacks due now")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "agent-add":
                agent = agent_register(
                    actor=ACTOR,
                    agent_id=options["agent_id"],
                    name=options["name"],
                    verify_key=options["verify_key"],
                )
                self.stdout.write(_("Agent %(agent)s registered.") % {"agent": agent.agent_id})
            elif action == "agents":
                self._list(json_output=options["json"])
            elif action == "agent-disable":
                found = Agent.objects.filter(agent_id=options["agent_id"]).first()
                if found is None:
                    raise CommandError(_("no agent with that id"))
                agent = agent_disable(actor=ACTOR, agent=found)
                self.stdout.write(
                    _("Agent %(agent)s refused from now on.") % {"agent": agent.agent_id}
                )
            else:
                counts = drp_callbacks_send()
                self.stdout.write(
                    _("Status callbacks sent: %(sent)s; failed: %(failed)s.") % counts
                )
        except AppError as error:
            raise CommandError("\n".join(error.said())) from None

    def _list(self, *, json_output: bool) -> None:
        rows: list[dict[str, Any]] = [
            {
                "agent_id": a.agent_id,
                "name": a.name,
                "active": a.active,
                "requests": a.requests.count(),
            }
            for a in Agent.objects.order_by("agent_id")
        ]
        if json_output:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        table = Table(
            self.stdout, [(_("Agent"), 20), (_("Name"), 30), (_("Active"), 6), (_("Requests"), 8)]
        )
        for row in rows:
            table.row(
                [
                    row["agent_id"],
                    row["name"],
                    _("yes") if row["active"] else _("no"),
                    str(row["requests"]),
                ]
            )
