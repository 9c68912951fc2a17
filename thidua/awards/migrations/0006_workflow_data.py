"""Data for proposals: the papers of each award type's dossier, and the workflow's dated parameters.

Dossiers (domain.md §5.1): every proposal needs the submission letter (Mẫu 01) and the achievement report
(Mẫu 02, ND98 Appendix I); the flags, which reward the block's leading unit, also need the block's conference
minutes with the vote and its scoring tally; the national awards need the provincial council's minutes (old
state-level procedure, qdnd.vn). The officer may change these lists.

Deadlines in working days: the provincial council has 25 working days from a complete dossier (old Hải Dương
procedure for the provincial flag, domain.md §5.1); the other steps' deadlines are not set by any text found and
are UNCONFIRMED defaults. The council's majority (more than half of the members present) is UNCONFIRMED too.
"""

import datetime as dt

from django.db import migrations

FORMS = ["form_01", "form_02"]
BLOCK = ["block_minutes", "tally"]
COUNCIL = ["council_minutes"]
DOSSIERS = {
    "co_tinh": FORMS + BLOCK,
    "co_chinh_phu": FORMS + BLOCK + COUNCIL,
    "cstd_toan_quoc": FORMS + COUNCIL,
    "bang_khen_ttg": FORMS + COUNCIL,
}
START = dt.date(2024, 1, 1)
DEFAULT = "Mặc định của Thidua (chưa tìm thấy văn bản quy định)"
SRC_25 = "http://thutuchanhchinh.haiduong.gov.vn/TTHCView.aspx?thutucID=7076"

# key, value, legal basis, source, unconfirmed note, description
PARAMETERS = [
    (
        "deadline_unit_head_days",
        5,
        DEFAULT,
        "",
        "No text sets this step's deadline; a default of 5 working days.",
        "Working days the unit head has to approve a proposal the clerk submitted.",
    ),
    (
        "deadline_block_head_days",
        5,
        DEFAULT,
        "",
        "No text sets this step's deadline; a default of 5 working days.",
        "Working days the block head has to review a proposal the unit approved.",
    ),
    (
        "deadline_department_days",
        10,
        DEFAULT,
        "",
        "No text sets this step's deadline; a default of 10 working days.",
        "Working days the department's emulation officer has to review a submitted batch.",
    ),
    (
        "deadline_council_days",
        25,
        "Thủ tục tặng Cờ thi đua của UBND tỉnh (Hải Dương): “Trong thời hạn 25 ngày làm việc từ ngày nhận đủ hồ sơ”",
        SRC_25,
        "An old provincial procedure; the current Quảng Trị deadline is not confirmed (domain.md §5.1).",
        "Working days the provincial council has to review a complete dossier.",
    ),
    (
        "deadline_decision_days",
        10,
        DEFAULT,
        "",
        "No text sets this step's deadline; a default of 10 working days.",
        "Working days to issue the decision once the council accepted the proposal.",
    ),
    (
        "council_majority_share",
        "0.5",
        DEFAULT,
        "",
        "The council's voting rule is set by its own regulation; more than half of the members present is a default.",
        "A proposal passes the council when the votes for are strictly more than this share of the members present.",
    ),
]


def load(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    AwardParameter = apps.get_model("awards", "AwardParameter")
    for award_type in AwardType.objects.all():
        award_type.dossier = DOSSIERS.get(award_type.code, FORMS)
        award_type.save(update_fields=["dossier"])
    for key, value, basis, source, note, description in PARAMETERS:
        AwardParameter.objects.create(
            key=key,
            value_type="integer" if isinstance(value, int) else "decimal",
            value=value,
            valid_from=START,
            legal_basis=basis,
            source_url=source,
            unconfirmed=bool(note),
            note=note,
            description=description,
        )


def unload(apps, schema_editor):
    apps.get_model("awards", "AwardParameter").objects.filter(key__in=[row[0] for row in PARAMETERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_proposals_decisions")]

    operations = [migrations.RunPython(load, unload)]
