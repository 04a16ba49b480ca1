"""Reading community (and indicator value) files, CSV or XLSX, into checked rows.

``check_*`` never writes: it returns the rows ready for the service and a list of
problems, each with the line number a person sees in their spreadsheet (the header is
line 1). The import view saves only when that list is empty.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from civportal.spreadsheets import restore_cell
from civportal.text import without_control_characters

from .models import Activity, Community, Indicator, Subdistrict
from .permissions import can_register_community
from .selectors import communities_for
from .services import EDITABLE_FIELDS

MAX_ROWS = 5000
# Blank lines between rows are skipped, but a sheet may not go on beyond this line.
MAX_LINES = 2 * MAX_ROWS
# The header may name columns the portal does not read; none is looked for past this one.
MAX_COLUMNS = 100
# A 5,000-row workbook of long Thai stories unpacks to well under this; a bomb does not.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_PARTS = 100
# XML tags in all parts together. A 5,000-row export with 19 columns has about 600,000;
# parsing costs openpyxl some microseconds per cell, so this bounds the time to seconds.
MAX_XLSX_TAGS = 1_500_000

COMMUNITY_COLUMNS = [
    "name_th",
    "name_en",
    "tambon_code",
    "tambon",
    "amphoe",
    "province",
    "village_number",
    "latitude",
    "longitude",
    "activity",
    "cohort_year",
    "members_count",
    "contact_name",
    "contact_phone",
    "contact_email",
    "identity_story",
    "main_activities",
]
TEXT_COLUMNS = (
    "name_en",
    "contact_name",
    "contact_phone",
    "contact_email",
    "identity_story",
    "main_activities",
)
# What a file may set: the profile, not the links to a cohort or enterprise record.
IMPORTED_FIELDS = [f for f in EDITABLE_FIELDS if f not in ("cohort", "enterprise")]
VALUE_COLUMNS = ["community_id", "visited_on", "indicator", "value", "summary"]
# Every column either kind of file may hold, with the two more an export writes.
KNOWN_COLUMNS = {"id", "stage", *COMMUNITY_COLUMNS, *VALUE_COLUMNS}

# Prefixes people write before Thai place names: ต./ตำบล/แขวง, อ./อำเภอ/เขต, จ./จังหวัด.
PLACE_PREFIXES = ("ตำบล", "แขวง", "ต.", "อำเภอ", "เขต", "อ.", "จังหวัด", "จ.")
BE_OFFSET = 543


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""


@dataclass
class CheckResult:
    rows: list = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    total: int = 0

    @property
    def clean(self) -> bool:
        return not self.errors and self.total > 0


def read_table(name: str, content: bytes) -> list[tuple[int, dict]]:
    """[(line number, {column: text})] from a CSV (UTF-8, Excel's BOM welcome) or XLSX file.

    Reading stops as soon as the file breaks a limit, so a hostile file costs no more
    than a legitimate one of the largest allowed size.
    """
    if name.lower().endswith(".xlsx"):
        lines = _xlsx_lines(content)
    elif name.lower().endswith(".csv"):
        lines = _csv_lines(content)
    else:
        raise ImportFileError(_("Please upload a .csv or .xlsx file."))
    header = _header(next(lines, None) or ())
    if not header:
        raise ImportFileError(_("The file is empty: the first line must name the columns."))
    rows = []
    for line, cells in enumerate(lines, start=2):
        if line > MAX_LINES:
            raise ImportFileError(
                _(
                    "The file goes on past line %(lines)d. At most %(max)d rows per file, "
                    "please; delete any empty rows below the data."
                )
                % {"lines": MAX_LINES, "max": MAX_ROWS}
            )
        values = [_text(cell) for cell in cells[: len(header)]]
        if not any(values):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError(_("At most %(max)d rows per file, please.") % {"max": MAX_ROWS})
        rows.append((line, dict(zip(header, values, strict=False))))
    return rows


def _header(cells) -> list[str]:
    """Column names, up to the last one the portal knows: later columns are never read."""
    names = [_text(cell).lower() for cell in cells[:MAX_COLUMNS]]
    known = [index for index, name in enumerate(names) if name in KNOWN_COLUMNS]
    named = [index for index, name in enumerate(names) if name]
    if not named:
        return []
    return names[: (known or named)[-1] + 1]


def _text(value) -> str:
    """A cell as the text the checks read: control characters gone, export's apostrophe too.

    Control characters are dropped rather than refused: spreadsheet programs put some
    (vertical tab for a line break in a cell) where a person sees nothing.
    """
    if value is None:
        return ""
    text = without_control_characters(str(_cell_text(value))).strip()
    return restore_cell(text)


def _csv_lines(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The CSV file must be saved as UTF-8.")) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            _(
                "Line %(line)d of the CSV file cannot be read: a field is too long or a "
                "quotation mark is not closed."
            )
            % {"line": reader.line_num}
        ) from exc


def _xlsx_lines(content: bytes):
    """Rows of the first sheet, read as they are parsed and never wider than the header.

    A workbook may declare any size (``A1:XFD1048576``), and openpyxl pads every row to
    the declared width: that is what made a 35 KB file cost 48 s and 657 MB. So the
    declared size is ignored, columns are bounded by the header, lines by MAX_LINES, and
    the archive's unpacked size is checked before openpyxl opens it.
    """
    from openpyxl import load_workbook

    _check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise ImportFileError(_("This is not an XLSX workbook we can read.")) from exc
    try:
        yield header
        width = len(_header(header)) or 1
        # One line past the limit is read, so read_table can tell the sheet goes on.
        yield from sheet.iter_rows(
            min_row=2, max_row=MAX_LINES + 1, max_col=width, values_only=True
        )
    except Exception as exc:  # a sheet damaged half-way through fails only while it is read
        raise ImportFileError(_("This is not an XLSX workbook we can read.")) from exc
    finally:
        workbook.close()


def _check_archive(content: bytes) -> None:
    """Refuse a workbook that unpacks to more than a real import could need.

    First the sizes in the archive's directory, before anything is inflated (Python's
    zipfile never inflates a part beyond its declared size, so the check holds even if
    the directory lies). Then the markup: openpyxl spends its time per XML element, not
    per byte, and a sheet of tiny cells packs a million of them into 25 MB; counting
    "<" while streaming each part costs a fraction of parsing it.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED_BYTES:
                raise ImportFileError(
                    _(
                        "This workbook unpacks to more than %(max)d MB, far more than "
                        "%(rows)d rows need. Please save only the data as a new .xlsx or "
                        ".csv file."
                    )
                    % {"max": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024), "rows": MAX_ROWS}
                )
            tags = 0
            for part in parts:
                with archive.open(part) as stream:
                    while chunk := stream.read(1024 * 1024):
                        tags += chunk.count(b"<")
                if tags > MAX_XLSX_TAGS:
                    raise ImportFileError(
                        _(
                            "This workbook holds far more cells than %(rows)d rows need. "
                            "Please save only the data as a new .xlsx or .csv file."
                        )
                        % {"rows": MAX_ROWS}
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ImportFileError(_("This is not an XLSX workbook we can read.")) from exc


def _cell_text(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _strip_prefix(name: str) -> str:
    name = name.strip()
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def _number(text, kind=Decimal):
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError from exc
    if kind is int:
        if value != value.to_integral_value():
            raise ValueError
        return int(value)
    return value


class _Geography:
    """Every tambon once, looked up by code or by (province, amphoe, tambon) names."""

    def __init__(self):
        self.by_code, self.by_names = {}, {}
        for sub in Subdistrict.objects.select_related("district__province"):
            self.by_code[sub.code] = sub
            district, province = sub.district, sub.district.province
            for p in {province.name_th, province.name_en.lower()}:
                for d in {district.name_th, district.name_en.lower()}:
                    for s in {sub.name_th, sub.name_en.lower()}:
                        self.by_names[(p, d, s)] = sub

    def find(self, row):
        code = row.get("tambon_code", "")
        if code:
            return self.by_code.get(code), _("unknown tambon code “%(code)s”") % {"code": code}
        names = tuple(_strip_prefix(row.get(key, "")) for key in ("province", "amphoe", "tambon"))
        key = tuple(n if any("\u0e00" <= ch <= "\u0e7f" for ch in n) else n.lower() for n in names)
        found = self.by_names.get(key)
        place = " / ".join(n for n in names if n) or _("(none given)")
        return found, _("unknown tambon “%(place)s” (province / amphoe / tambon)") % {
            "place": place
        }


def _activity(text):
    if not text:
        return Activity.OTHER
    for value, label in Activity.choices:
        if text.lower() in (value, str(label).lower()):
            return value
    raise ValueError


def check_communities(actor, table: list[tuple[int, dict]]) -> CheckResult:
    """Check every row; collect (line, reason) for each problem, never stopping at the first."""
    result = CheckResult(total=len(table))
    geography = _Geography()
    provinces_allowed = {}
    seen = {}
    existing = set(Community.objects.values_list("subdistrict_id", "name_th"))
    for line, row in table:
        problems, fields = [], {}
        name_th = row.get("name_th", "").strip()
        if not name_th:
            problems.append(_("the Thai name (name_th) is missing"))
        subdistrict, unknown = geography.find(row)
        if subdistrict is None:
            problems.append(unknown)
        else:
            province = subdistrict.district.province
            if province.pk not in provinces_allowed:
                provinces_allowed[province.pk] = can_register_community(actor, province)
            if not provinces_allowed[province.pk]:
                problems.append(
                    _("%(province)s is outside your provinces") % {"province": province.name}
                )
        for column, kind in (
            ("village_number", int),
            ("members_count", int),
            ("cohort_year", int),
            ("latitude", Decimal),
            ("longitude", Decimal),
        ):
            text = row.get(column, "")
            if not text:
                continue
            try:
                fields[column] = _number(text, kind)
            except ValueError:
                problems.append(
                    _("%(column)s is not a number: “%(value)s”") % {"column": column, "value": text}
                )
        given = {c for c in ("latitude", "longitude") if row.get(c, "")}
        if len(given) == 1:
            problems.append(_("give both latitude and longitude, or neither"))
        if fields.get("cohort_year", 0) > 2400:
            fields["cohort_year"] -= BE_OFFSET  # a Thai user writes the Buddhist Era year
        try:
            fields["activity"] = _activity(row.get("activity", ""))
        except ValueError:
            problems.append(_("unknown activity “%(value)s”") % {"value": row["activity"]})
        if subdistrict is not None and name_th:
            key = (subdistrict.pk, name_th)
            if key in seen:
                problems.append(
                    _("duplicate of line %(line)d (same name in the same tambon)")
                    % {"line": seen[key]}
                )
            elif key in existing:
                problems.append(_("this community is already registered in this tambon"))
            seen.setdefault(key, line)
        text = {k: row.get(k, "") for k in TEXT_COLUMNS}
        candidate = Community(name_th=name_th, subdistrict=subdistrict, **text, **fields)
        if not problems and subdistrict is not None:
            candidate.province_id = subdistrict.district.province_id
            try:
                # Uniqueness was checked above for the whole file at once; the tambon is known.
                candidate.full_clean(
                    exclude=["subdistrict", "province"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except Exception as error:  # ValidationError: its messages name each field
                problems += [f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()]
        for problem in problems:
            result.errors.append((line, problem))
        if not problems:
            result.rows.append({name: getattr(candidate, name) for name in IMPORTED_FIELDS})
    return result


def check_indicator_values(actor, table: list[tuple[int, dict]]) -> CheckResult:
    """Rows of (community_id, visited_on, indicator code, value[, summary]) → one visit per day."""
    from .permissions import can_log_visit

    result = CheckResult(total=len(table))
    communities = {c.pk: c for c in communities_for(actor)}
    indicators = {i.code: i for i in Indicator.objects.filter(active=True)}
    visits, seen = {}, {}
    for line, row in table:
        problems = []
        community_id = row.get("community_id", "")
        community = communities.get(int(community_id)) if community_id.isdigit() else None
        if community is None:
            problems.append(
                _("unknown community id “%(value)s”") % {"value": row.get("community_id", "")}
            )
        elif not can_log_visit(actor, community):
            problems.append(_("you may not log visits for this community"))
        try:
            day = date.fromisoformat(row.get("visited_on", ""))
        except ValueError:
            day = None
            problems.append(
                _("visited_on is not a date (YYYY-MM-DD): “%(value)s”")
                % {"value": row.get("visited_on", "")}
            )
        indicator = indicators.get(row.get("indicator", ""))
        if indicator is None:
            problems.append(
                _("unknown indicator “%(value)s”") % {"value": row.get("indicator", "")}
            )
        try:
            value = _number(row.get("value", ""))
        except ValueError:
            value = None
            problems.append(
                _("value is not a number: “%(value)s”") % {"value": row.get("value", "")}
            )
        if not problems:
            key = (community.pk, day, indicator.pk)
            if key in seen:
                problems.append(_("duplicate of line %(line)d") % {"line": seen[key]})
            seen.setdefault(key, line)
        for problem in problems:
            result.errors.append((line, problem))
        if not problems:
            visit = visits.setdefault(
                (community.pk, day),
                {
                    "community": community,
                    "visited_on": day,
                    "summary": row.get("summary") or _("Indicator values imported from a file."),
                    "values": {},
                },
            )
            visit["values"][indicator] = value
    result.rows = list(visits.values())
    return result
