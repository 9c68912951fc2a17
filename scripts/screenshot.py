"""Screenshot of the block-year page as a block head, 1280x800, saved to docs/screenshot.png.

The picture in the README should show the real page, so this drives Debian's Chromium with
Playwright against a running server (never `playwright install`, it downloads from a CDN).

Usage (a throw-away database under /tmp, seeded through the test factories):

    export THIDUA_VAR_DIR=/tmp/thidua-shot DJANGO_SETTINGS_MODULE=config.settings.base DEBUG=1
    .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py createcachetable
    .venv/bin/python scripts/screenshot.py --seed
    .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &
    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8765

With the demo data (`manage.py load_demo`) pass its block head's --username and --password instead of --seed.
"""

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
SEED_USERNAME = "khoitruong"
SEED_PASSWORD = "secret-pass-123"  # noqa: S105 - the test factories' password, local demo only


def seed() -> None:
    """Build the factories' small tree with deadlines and a block head (skipped when already there)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from thidua.accounts.roles import Role
    from thidua.organizations import services
    from thidua.organizations.models import Unit
    from thidua.tests_support import factories as f

    if Unit.objects.filter(code="QT").exists():
        print("Seed data already present.")
        return
    tree = f.build_tree()
    actor = f.system_actor()
    block_year = tree["block_year"]
    year = block_year.year
    deadlines = {
        "plan": dt.date(year, 1, 31),
        "covenant": dt.date(year, 2, 28),
        "registration": dt.date(year, 3, 31),
        "midyear_review": dt.date(year, 7, 15),
        "scoring": dt.date(year, 11, 30),
        "conference": dt.date(year, 12, 15),
        "proposals": dt.date(year + 1, 1, 15),
        "closed": dt.date(year + 1, 1, 31),
    }
    services.block_year_set_deadlines(actor=actor, block_year=block_year, deadlines=deadlines)
    services.block_year_set_leadership(
        actor=actor,
        block_year=block_year,
        head=tree["centre_a"],
        deputies=[tree["centre_b"]],
        representatives={tree["centre_a"].pk: (tree["person_a"], "Giám đốc")},
    )
    for phase in ("covenant", "registration"):
        services.block_year_advance_phase(actor=actor, block_year=block_year, to_phase=phase)
    user: Any = f.UserFactory(username=SEED_USERNAME, full_name="Nguyễn Văn Đức")
    f.grant(user, Role.BLOCK_HEAD, block_year=block_year)
    print(f"Seeded; log in as {SEED_USERNAME} / {SEED_PASSWORD}.")


def shoot(
    url: str, username: str, password: str, output: Path, dashboard: bool = False, conference: bool = False
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
        page.goto(url.rstrip("/") + "/accounts/login/")
        page.locator("input[name=login]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        if conference:  # the demo's closed mid-year conference: its poll's result, explanation and chart
            page.goto(url.rstrip("/") + "/conferences/")
            page.locator("[data-testid=conference-list] a").last.click()
            page.locator("a[href*='/manage/']").first.click()
            page.wait_for_selector("canvas[data-drawn]")
            page.wait_for_timeout(500)
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output), full_page=True)
            browser.close()
            print(f"Saved {output}")
            return
        page.locator("[data-testid=work-items] h2 a").first.click()
        page.wait_for_selector("[data-testid=phase-stepper]")
        if dashboard:
            page.get_by_test_id("dashboard-link").click()
            page.wait_for_selector("canvas[data-drawn]")
            page.wait_for_timeout(500)
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        browser.close()
    print(f"Saved {output}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", action="store_true", help="seed demo data through the factories and exit")
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--username", default=SEED_USERNAME)
    parser.add_argument("--password", default=SEED_PASSWORD)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--dashboard", action="store_true", help="open the block-year's dashboard and shoot that")
    parser.add_argument("--conference", action="store_true", help="shoot the demo's closed poll (needs load_demo)")
    args = parser.parse_args()
    if args.seed:
        seed()
    else:
        shoot(args.url, args.username, args.password, args.output, dashboard=args.dashboard, conference=args.conference)


if __name__ == "__main__":
    main()
