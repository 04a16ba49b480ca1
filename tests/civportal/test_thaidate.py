from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from civportal.templatetags.thaidate import format_date


def render(source, **context):
    return Template(source).render(Context(context))


def test_thai_dates_count_the_buddhist_era():
    assert format_date(date(2025, 1, 5), "long", "th") == "5 มกราคม พ.ศ. 2568"
    assert format_date(date(2025, 1, 5), "short", "th") == "5 ม.ค. 2568"


def test_english_dates_count_the_common_era():
    assert format_date(date(2025, 1, 5), "long", "en") == "5 January 2025"
    assert format_date(date(2025, 1, 5), "short", "en") == "5 Jan 2025"


def test_filters_follow_the_active_language():
    with translation.override("th"):
        assert render("{{ d|thaidate }} {{ y|be_year }}", d=date(2025, 12, 31), y=2016) == (
            "31 ธ.ค. 2568 2559"
        )
    with translation.override("en"):
        assert render("{{ d|thaidate }} {{ y|be_year }}", d=date(2025, 12, 31), y=2016) == (
            "31 Dec 2025 2016"
        )


def test_datetimes_show_bangkok_time_across_the_new_year():
    # 17:30 UTC on 31 Dec 2024 is 00:30 on 1 Jan 2025 in Bangkok: the BE year turns too.
    moment = datetime(2024, 12, 31, 17, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("th"):
        assert render("{{ m|thaidatetime }}", m=moment) == "1 ม.ค. 2568 00:30 น."
    with translation.override("en"):
        assert render("{{ m|thaidatetime }}", m=moment) == "1 Jan 2025 00:30"


def test_empty_values_render_nothing():
    assert render("{{ d|thaidate }}{{ y|be_year }}", d=None, y=None) == ""
