"""The titles a member unit can register for (đăng ký thi đua) until the awards catalogue exists.

The awards app will own the real catalogue (dated, with legal sources); until then registrations
store these stable codes, which the catalogue is expected to keep. English labels are the source
strings; the Vietnamese names come from translation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectiveTitle(models.TextChoices):
    """Titles and forms of commendation a collective (the unit) aims for."""

    FLAG_GOVERNMENT = "flag_government", _("Emulation Flag of the Government")
    FLAG_PROVINCE = "flag_province", _("Emulation Flag of the Provincial People's Committee")
    MERIT_PM = "merit_pm", _("Certificate of Merit of the Prime Minister")
    MERIT_PROVINCE = "merit_province", _("Certificate of Merit of the Chairman of the Provincial People's Committee")
    EXCELLENT_COLLECTIVE = "excellent_collective", _("Excellent labour collective")
    ADVANCED_COLLECTIVE = "advanced_collective", _("Advanced labour collective")


class IndividualTitle(models.TextChoices):
    """Titles individual staff aim for; a registration records how many staff aim for each."""

    ADVANCED_LABOURER = "advanced_labourer", _("Advanced labourer")
    EMULATION_FIGHTER_GRASSROOTS = "emulation_fighter_grassroots", _("Grassroots emulation fighter")
    EMULATION_FIGHTER_PROVINCE = "emulation_fighter_province", _("Provincial emulation fighter")


COLLECTIVE_ORDER: list[str] = [title.value for title in CollectiveTitle]
INDIVIDUAL_ORDER: list[str] = [title.value for title in IndividualTitle]
