"""Every user-facing string has its Thai translation, and the catalogue matches the code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "th" / "LC_MESSAGES" / "django.po"
SKIP = {".git", ".venv", "var", "staticfiles", "node_modules", "tests", "locale"}

needs_gettext = pytest.mark.skipif(
    shutil.which("msgcmp") is None, reason="GNU gettext is not installed"
)


def gettext(*args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


@needs_gettext
def test_no_thai_entry_is_missing_or_fuzzy():
    untranslated = gettext("msgattrib", "--untranslated", "--no-obsolete", str(CATALOGUE)).stdout
    fuzzy = gettext("msgattrib", "--only-fuzzy", "--no-obsolete", str(CATALOGUE)).stdout
    assert "msgid" not in untranslated, untranslated
    assert "msgid" not in fuzzy, fuzzy


@needs_gettext
def test_catalogue_holds_every_string_in_the_code(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=lambda d, names: [n for n in names if n in SKIP])
    (copy / "locale").mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "th",
            "--no-obsolete",
            "-v0",
            "--ignore=.venv",
            "--ignore=var",
        ],
        cwd=copy,
        # makemessages never connects; given URLs keep the copy from starting embedded servers.
        env={
            **os.environ,
            "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = copy / "locale" / "th" / "LC_MESSAGES" / "django.po"
    # msgcmp: every msgid found in the code must be translated in the committed catalogue.
    compared = gettext("msgcmp", str(CATALOGUE), str(fresh))
    assert compared.returncode == 0, compared.stderr
