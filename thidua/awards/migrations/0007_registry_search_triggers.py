"""Restore the registry's SQLite search triggers after 0005.

Adding `Award.proposal` (a one-to-one field) in 0005 makes Django rebuild `awards_award` on SQLite (create a new
table, copy, drop, rename), and the rebuild drops the FTS5 triggers that 0004 created: awards written afterwards
never reached the search index. Re-running 0004's idempotent set-up recreates them and rebuilds the index. Any later
migration that rebuilds `awards_award` on SQLite must do the same; `test_registry_search` checks the triggers exist.
"""

from importlib import import_module

from django.db import migrations

search = import_module("thidua.awards.migrations.0004_registry_search")


class Migration(migrations.Migration):
    dependencies = [("awards", "0006_workflow_data")]

    operations = [migrations.RunPython(search.forwards, migrations.RunPython.noop)]
