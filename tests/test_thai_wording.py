"""The Thai catalogue keeps to ../shared/seed/GLOSSARY-th.md: one term per concept, the
forms the glossary rules out appear nowhere (catalogue, templates, Thai literals in the
code), and no status reads the same as the button that leads to it."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, pgettext

from communities.models import Stage

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "th" / "LC_MESSAGES" / "django.po"
THAI = re.compile(r"[\u0e00-\u0e7f]")
PROJECT_APPS = {"accounts", "communities", "mentorship", "products", "notifications", "reports"}
PROJECT_APPS |= {"outbox", "search", "backups", "civportal"}

# (pattern, why): each is a "not" form of the glossary.
FORBIDDEN = [
    (r"ผู้เชี่ยวชาญพี่เลี้ยง", "a mentor is พี่เลี้ยง"),
    (r"หัวหน้าสำนักงาน", "the head of a provincial office is อุตสาหกรรมจังหวัด…"),
    (r"\bDIP\b", "the department's abbreviation is DIPROM"),
    (r"(?<!บันทึก)ข้อตกลง", "an MOU is บันทึกข้อตกลง, never bare ข้อตกลง"),
    (r"บันทึกข้อตกลง\S*หมดอายุ", "an MOU ends (สิ้นสุด), it does not expire"),
    (r"ความพร้อมสู่", "readiness is ความพร้อมในการเป็นหมู่บ้าน CIV"),
    (r"เช็[กค]ชื่อ", "attendance is ลงชื่อเข้าอบรม"),
    (r"ผู้เข้าร่วม", "trainees are ผู้เข้ารับการอบรม"),
    (r"ความคิดเห็นผู้เข้า|ความคิดเห็นจากผู้เข้า", "feedback is แบบประเมิน/ผลการประเมินความพึงพอใจ"),
    (r"ชั่วโมง-คน", "participant-hours are คน-ชั่วโมง"),
    (r"รายการผลิตภัณฑ์", "a listing is ข้อมูลผลิตภัณฑ์"),
    (r"คำถามจากผู้ซื้อ", "an enquiry is คำสอบถาม/สั่งซื้อจากผู้ซื้อ"),
    (r"แดชบอร์ด", "the dashboard is หน้าหลัก"),
    (r"ตำบล [^\s/]+ ·|อำเภอ [^\s/]+ ·", "an address reads ต.… อ.… จ.…"),
    (r"เวลากรุงเทพ", "the time zone note is เวลาประเทศไทย, or nothing"),
    (r"ของฉัน|ฉันจะ|ให้ฉัน", "the reader is ท่าน"),
    (r"โครงการหมู่บ้านอุตสาหกรรมสร้างสรรค์", "the programme is โครงการพัฒนาหมู่บ้าน…"),
    (r"ด้านที่เป็นพี่เลี้ยง", "a mentoring area is ด้านการให้คำปรึกษา"),
    (r"ตลาดเฉพาะเจาะจงตามคำสั่งซื้อ(?!มากขึ้น)", "a fragment: name the mentoring area in full"),
]
# Words a villager on a phone does not know; never in the Thai catalogue.
JARGON = [r"CIV Portal", r"พิกเซล", r"\biCal\b", r"\.ics\b", r"JPEG|WebP"]
# Messages for mentors and officers about uploading materials may name file types.
JARGON_ALLOWED = {"Web pages, SVG images and other markup cannot be uploaded as materials"}

# (button msgid, status msgid) as the code uses them: each pair must read differently.
BUTTON_STATUS_PAIRS = [
    ((None, "Cancel session"), (None, "Session cancelled")),
    ((None, "Cancel session"), (None, "Cancelled")),
    ((None, "Archive"), (None, "Archived")),
    ((None, "Mark answered"), (None, "Marked as answered.")),
    ((None, "Mark answered"), (None, "Answered")),
    ((None, "Move stage"), (None, "Stage moved")),
    ((None, "Mark done"), (None, "Done")),
    ((None, "Confirm"), (None, "Confirmed")),
    ((None, "Revoke"), ("invitation status", "Revoked")),
    ((None, "Deactivate"), (None, "Deactivated")),
    ((None, "Restore"), (None, "Restored.")),
    ((None, "Schedule a session"), (None, "Session scheduled")),
    ((None, "Send for review"), (None, "Submitted for review")),
    ((None, "Register"), (None, "You are registered")),
    ((None, "Register a community"), ("community registration", "Registered")),
    ((None, "Log a visit"), (None, "Visit logged.")),
]
# Two statuses of different things that must not read alike.
DISTINCT_STATUSES = [
    ((None, "Terminated"), (None, "Cancelled")),  # an MOU is บอกเลิก, a session ยกเลิก
    ((None, "Expired"), ("invitation status", "Expired")),  # an MOU ends, an invitation expires
    (("community registration", "Registered"), ("session registrations", "Registered")),
    (("stage change", "from"), ("valid from date", "from")),
]
STAGES = {
    "target": "ชุมชนเป้าหมาย",
    "developing": "อยู่ระหว่างพัฒนา",
    "civ": "หมู่บ้าน CIV",
    "self_sustaining": "พึ่งพาตนเองได้อย่างยั่งยืน",
}


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def thai(entry) -> list[str]:
    return [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())


def translated(catalogue, ctxt, msgid) -> str:
    entry = catalogue.find(msgid, msgctxt=ctxt) if ctxt else catalogue.find(msgid)
    if ctxt is None and entry is not None and entry.msgctxt:
        entry = next((e for e in catalogue if e.msgid == msgid and not e.msgctxt), None)
    assert entry is not None, f"{msgid!r} ({ctxt}) is not in the Thai catalogue"
    return entry.msgstr


def test_every_msgid_is_in_the_catalogue_once(catalogue):
    keys = [(e.msgctxt, e.msgid) for e in catalogue]
    assert len(keys) == len(set(keys)), {k for k in keys if keys.count(k) > 1}


@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN)
def test_the_catalogue_has_no_form_the_glossary_rules_out(catalogue, pattern, why):
    found = [(e.msgid, t) for e in catalogue for t in thai(e) if re.search(pattern, t)]
    assert not found, f"{why}: {found}"


@pytest.mark.parametrize("pattern", JARGON)
def test_the_catalogue_has_no_jargon_for_villagers(catalogue, pattern):
    found = [
        (e.msgid, t)
        for e in catalogue
        for t in thai(e)
        if re.search(pattern, t) and not any(e.msgid.startswith(a) for a in JARGON_ALLOWED)
    ]
    assert not found


def _thai_literals_in_code():
    """(file, text) for every Thai string literal in the project's Python, outside tests
    and migrations, and every line of Thai in its templates."""
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "var", "bench"} or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and THAI.search(node.value)
            ):
                yield path, node.value
    for path in (ROOT / "templates").rglob("*.html"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if THAI.search(line):
                yield path, line


@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN)
def test_templates_and_code_have_no_form_the_glossary_rules_out(pattern, why):
    found = [
        (str(p), text[:80]) for p, text in _thai_literals_in_code() if re.search(pattern, text)
    ]
    assert not found, f"{why}: {found}"


@pytest.mark.parametrize(("button", "status"), BUTTON_STATUS_PAIRS)
def test_a_button_never_reads_as_its_status(catalogue, button, status):
    assert translated(catalogue, *button) != translated(catalogue, *status)


@pytest.mark.parametrize(("one", "other"), DISTINCT_STATUSES)
def test_two_meanings_of_one_word_read_differently(catalogue, one, other):
    assert translated(catalogue, *one) != translated(catalogue, *other)


BUTTON = re.compile(
    r"<(?:button|a)\b[^>]*?(?:<button|class=\"[^\"]*\bbtn\b)[^>]*>[^<{]*"
    r"\{%\s*translate\s+[\"']([^\"']+)[\"']\s*(?:context\s+[\"']([^\"']+)[\"'])?\s*%\}",
)
SUBMIT = re.compile(
    r"<button\b[^>]*>[^<{]*\{%\s*translate\s+[\"']([^\"']+)[\"']"
    r"\s*(?:context\s+[\"']([^\"']+)[\"'])?\s*%\}"
)


def _button_labels() -> dict[str, str]:
    """Thai of every button and button-styled link in the templates, by its msgid."""
    labels = {}
    with translation.override("th"):
        for path in (ROOT / "templates").rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for match in [*BUTTON.finditer(text), *SUBMIT.finditer(text)]:
                msgid, ctxt = match.groups()
                labels[msgid] = pgettext(ctxt, msgid) if ctxt else gettext(msgid)
    return labels


def _status_labels() -> dict[str, str]:
    """Thai of every choice of every status/kind field of the project's models."""
    labels = {}
    with translation.override("th"):
        for model in apps.get_models():
            if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if not isinstance(field, models.Field) or field.name not in ("status", "kind"):
                    continue
                for _value, label in field.flatchoices:
                    with translation.override(None):  # the msgid
                        msgid = str(label)
                    labels[msgid] = str(label)
    return labels


def test_no_status_of_any_model_reads_as_a_button_in_the_templates():
    buttons = _button_labels()
    statuses = _status_labels()
    assert len(buttons) > 30 and len(statuses) > 10  # the scan found what it is for
    clashes = {
        (button, status, th)
        for button, th in buttons.items()
        for status, status_th in statuses.items()
        if th == status_th and button != status
    }
    assert not clashes


def test_the_stage_names_are_the_glossarys_parallel_ones():
    with translation.override("th"):
        assert {value: str(label) for value, label in Stage.choices} == STAGES


def test_programme_department_and_footer_are_named_in_full(catalogue):
    footer = translated(
        catalogue,
        None,
        "Creative Industry Village programme · "
        "Department of Industrial Promotion, Ministry of Industry",
    )
    assert footer.startswith("โครงการพัฒนาหมู่บ้านอุตสาหกรรมสร้างสรรค์ (")
    assert (
        "CIV" in footer and "กรมส่งเสริมอุตสาหกรรม (DIPROM)" in footer and "กระทรวงอุตสาหกรรม" in footer
    )
    for msgid in (
        "Village communities in Thailand’s Creative Industry Village programme "
        "and the products they make.",
        "Creative Industry Village progress report: %(province)s",
    ):
        assert "โครงการพัฒนาหมู่บ้านอุตสาหกรรมสร้างสรรค์" in translated(catalogue, None, msgid)
    assert "โครงการ" in translated(catalogue, None, "Cohort")
