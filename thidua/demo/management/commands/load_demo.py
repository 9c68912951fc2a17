"""manage.py load_demo: build the Quảng Trị demo (idempotent) and print the demo logins."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from thidua.demo.builder import DEMO_PASSWORD, build_demo, demo_logins, demo_summary


class Command(BaseCommand):
    help = "Load the Quảng Trị demo data (units, staff, blocks, one user per role). Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--foundation-only",
            action="store_true",
            help="Only organisations, blocks and users: none of the year's work (covenant, movements, scoring).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        report = build_demo(log=self.stdout.write if verbose else None, year_work=not options["foundation_only"])
        elapsed = time.monotonic() - started
        if report.created:
            created = ", ".join(f"{count} {what}" for what, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s: created {created}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data already present; nothing changed ({elapsed:.1f} s)."))
        for label, value in demo_summary():
            self.stdout.write(f"  {label:<16} {value}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(username) for username, _ in demo_logins())
        for username, role in demo_logins():
            self.stdout.write(f"  {username:<{width}}  {role}")
