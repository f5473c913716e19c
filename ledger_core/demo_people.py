"""The demo groups and people (deterministic phones and PINs), shared by the seeder and the demo-callers table."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

import languages

SEED = 20240601


def language_of(currency: str) -> str:
    """The installed language pack whose demo currency (pack.yml `currency`) is this group's: a demo group speaks
    the language of the pack it was made for; the default pack when none has that currency."""
    return next((p.code for p in languages.packs().values() if p.currency == currency), languages.default_code())


@dataclass(frozen=True)
class DemoGroup:
    group_id: str
    name: str
    methodology: str
    currency: str
    language: str
    timezone: str
    frequency: str
    weekday: int
    meeting_time: str
    place: str
    share_price_minor: int
    interest_rate_bp: int
    social_fund_minor: int
    fine_minor: int
    history_days: int  # the cycle started this many days before today
    # (member index, meeting index (negative = from the latest), principal in minor units, repayment behaviour)
    loans: tuple[tuple[int, int, int, str], ...]


@dataclass(frozen=True)
class DemoMember:
    member_id: str
    group_id: str
    roster_number: int
    name: str
    nickname: str | None
    role: str
    language: str
    phone: str
    pin: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


GROUPS = (
    DemoGroup(
        group_id="g-kes-umoja",
        name="Umoja Women VSLA",
        methodology="VSLA",
        currency="KES",
        language=language_of("KES"),
        timezone="Africa/Nairobi",
        frequency="weekly",
        weekday=3,  # Thursday
        meeting_time="14:00",
        place="Kibera Community Hall, Nairobi",
        share_price_minor=100_00,  # KES 100 a share
        interest_rate_bp=500,  # 5% a month, flat
        social_fund_minor=20_00,
        fine_minor=50_00,
        history_days=140,
        loans=(
            (3, 3, 5_000_00, "ontime"),  # repaid by now
            (4, 4, 4_000_00, "late"),  # paid the first installment only: overdue
            (5, 6, 6_000_00, "early"),  # repaid in one go: repaid
            (8, 10, 3_000_00, "ontime"),  # current
            (2, -9, 8_000_00, "ontime"),  # Amina (in both groups): current
            (6, -3, 7_500_00, "ontime"),  # current, first installment not yet due
        ),
    ),
    DemoGroup(
        group_id="g-tzs-tumaini",
        name="Kikundi cha Tumaini",
        methodology="VSLA",
        currency="TZS",
        language=language_of("TZS"),
        timezone="Africa/Dar_es_Salaam",
        frequency="fortnightly",
        weekday=5,  # Saturday
        meeting_time="10:00",
        place="Ofisi ya Kata, Temeke, Dar es Salaam",
        share_price_minor=2_000_00,  # TZS 2,000 a share
        interest_rate_bp=1_000,  # 10% a month, flat
        social_fund_minor=1_000_00,
        fine_minor=2_000_00,
        history_days=168,
        loans=(
            (4, 2, 100_000_00, "ontime"),  # repaid
            (5, 3, 150_000_00, "late"),  # overdue
            (6, -4, 120_000_00, "ontime"),  # current
            (7, -2, 80_000_00, "early"),  # repaid early
            (8, -1, 200_000_00, "ontime"),  # current
        ),
    ),
    # A self-help group (SHG) in India: monthly savings in rupees, members who speak Hindi (the Hindi pack).
    DemoGroup(
        group_id="g-inr-sakhi",
        name="सखी स्वयं सहायता समूह",
        methodology="SHG",
        currency="INR",
        language=language_of("INR"),
        timezone="Asia/Kolkata",
        frequency="monthly",
        weekday=6,  # Sunday
        meeting_time="11:00",
        place="पंचायत भवन, रामपुर",
        share_price_minor=200_00,  # ₹200 monthly saving per member
        interest_rate_bp=100,  # 1% a month, flat (SHG internal lending)
        social_fund_minor=50_00,
        fine_minor=20_00,
        history_days=180,
        loans=(
            (4, 1, 8_000_00, "late"),  # overdue (every installment past: none in the upcoming window)
            (3, 2, 10_000_00, "ontime"),  # repaid
            (5, -3, 9_000_00, "ontime"),  # current
            (6, -1, 8_000_00, "ontime"),  # current, first installment not yet due (monthly: no "early" repayer)
        ),
    ),
)

# (name, nickname, role); the first three hold the offices. Amina Hassan is in both groups with one phone.
_PEOPLE = {
    "g-kes-umoja": [
        ("Grace Wanjiru", None, "chair"),
        ("Mary Akinyi", None, "secretary"),
        ("Amina Hassan", "Mama Amina", "treasurer"),
        ("Faith Njeri", None, "member"),
        ("Esther Atieno", None, "member"),
        ("Joyce Chebet", None, "member"),
        ("Lucy Wambui", "Mama Lucy", "member"),
        ("Rose Nyambura", None, "member"),
        ("Agnes Moraa", None, "member"),
        ("Beatrice Auma", None, "member"),
        ("Caroline Mumbua", None, "member"),
        ("Dorcas Jepkosgei", None, "member"),
        ("Eunice Kerubo", None, "member"),
        ("Peter Otieno", None, "member"),
        ("John Kamau", None, "member"),
    ],
    "g-tzs-tumaini": [
        ("Neema Mwakyusa", "Mama Neema", "chair"),
        ("Rehema Juma", None, "secretary"),
        ("Zawadi Mushi", None, "treasurer"),
        ("Amina Hassan", "Mama Amina", "member"),
        ("Halima Said", None, "member"),
        ("Upendo Massawe", None, "member"),
        ("Baraka Mollel", None, "member"),
        ("Saida Omari", None, "member"),
        ("Tatu Shabani", None, "member"),
        ("Furaha Kimaro", None, "member"),
        ("Mwanaidi Ally", None, "member"),
        ("Daudi Swai", None, "member"),
    ],
    "g-inr-sakhi": [
        ("सुनीता देवी", "सुनीता दीदी", "chair"),
        ("मीना कुमारी", None, "secretary"),
        ("गीता यादव", None, "treasurer"),
        ("आशा वर्मा", None, "member"),
        ("कमला देवी", None, "member"),
        ("रीता सिंह", None, "member"),
        ("पूजा शर्मा", None, "member"),
        ("सरिता पटेल", None, "member"),
        ("लक्ष्मी गुप्ता", None, "member"),
        ("राधा मौर्य", None, "member"),
    ],
}
_PREFIX = {"KES": "+2547", "TZS": "+2557", "INR": "+919"}
SHARED_PERSON = "Amina Hassan"


def demo_members() -> list[DemoMember]:
    """Every demo membership; deterministic (seeded), so phones and PINs are the same on every machine."""
    rng = random.Random(SEED)
    members: list[DemoMember] = []
    people: dict[str, tuple[str, str]] = {}  # name -> (phone, pin): one person, one phone, one PIN
    number = 0
    for group in GROUPS:
        for roster, (name, nickname, role) in enumerate(_PEOPLE[group.group_id], start=1):
            if name not in people:
                phone = _PREFIX[group.currency] + f"{rng.randrange(10_000_000, 99_999_999)}"
                pin = _pin(rng)
                people[name] = (phone, pin)
            phone, pin = people[name]
            number += 1
            members.append(
                DemoMember(
                    member_id=f"m-{number:04d}",
                    group_id=group.group_id,
                    roster_number=roster,
                    name=name,
                    nickname=nickname,
                    role=role,
                    language=group.language,
                    phone=phone,
                    pin=pin,
                )
            )
    return members


def _pin(rng: random.Random) -> str:
    """Four digits, never all the same and never a straight run (1234, 9876): the kind users are told to avoid."""
    while True:
        pin = f"{rng.randrange(0, 10_000):04d}"
        steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
        if steps not in ({0}, {1}, {-1}):
            return pin
