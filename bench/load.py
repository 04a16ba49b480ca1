"""The real pages under load: gunicorn with production settings at the load bench's scale.

    .venv/bin/python bench/load.py [--seconds 5] [--users 8 32] [--workers 4] [--only registry]
        [--scale 10k|100] [--save FILE] [--against FILE]

Uses DATABASE_URL and REDIS_URL as they are set (a database of its own, not the tests').
Seeds the scale first when it is missing (``seed_demo`` for the people who sign in,
``seed_scale --preset 10k``: 10,000 communities over 10 provinces, 5,000 in ลำปาง, ~200k
indicator values, 50k products, 20k sessions with attendance; ``--scale 100`` seeds the same
programme at 1/100 into the database it is given) and reuses it afterwards.
Then it collects the static files, starts gunicorn (``--workers`` sync workers) with
CIV_ENV=production answering as behind the HTTPS proxy, signs each role in through the
sign-in form, and runs every page for ``--seconds`` at each number of concurrent users
(one client process per user, a new connection per request, as the sync workers want),
next to a hello-world view served by the same gunicorn and settings and Django's admin
changelist of communities. It prints one table: page, users, req/s, p50, p95, p99
(milliseconds), errors, throughput as % of hello-world, SQL queries per request, and the
median of nine single requests made before the load ("one"), once every gunicorn worker
has answered the page a few times. ``--against FILE`` (a ``--save`` of a run at the other
scale) adds that run's "one" and this run's as a multiple of it.

The hello-world view and the query counter live in bench/settings.py and bench/urls.py
(DJANGO_SETTINGS_MODULE=bench.settings); the shipped URLs do not have them. The client runs
on the same machine as the server, so on a small machine its own processes take a share of
the CPU: compare a page with the hello-world row of the same run.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.mfa import enrol_totp, needs_second_factor  # noqa: E402
from accounts.models import User  # noqa: E402
from communities.management.commands.seed_demo import demo_password  # noqa: E402
from communities.management.commands.seed_scale import PREFIX  # noqa: E402
from communities.models import Community  # noqa: E402
from mentorship.models import MOU  # noqa: E402
from tests.servers import Gunicorn  # noqa: E402

SCALES = {"10k": 10_000, "100": 100}
PROVINCE = "52"
PEOPLE = {
    "staff": "staff@civ.example",
    "officer": "officer.lampang@civ.example",
    "member": "member.maejaem@civ.example",
}
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
SECRET_KEY = "bench-" + "k" * 30 + "-not-a-real-secret-" + "q" * 20


# --- The data ---------------------------------------------------------------------------
def ensure_scale(scale: str) -> str:
    """Seed ``scale`` where it is missing; what the database holds, in words."""
    started = time.perf_counter()
    if not User.objects.filter(email=PEOPLE["staff"]).exists():
        call_command("seed_demo")
    # The staff and the officer sign in with a second step (a database seeded before it
    # existed gets theirs now); sign_in answers it with the current code.
    for user in User.objects.filter(email__in=PEOPLE.values()):
        if needs_second_factor(user):
            enrol_totp(user)
    synthetic = Community.objects.filter(name_th__startswith=PREFIX).count()
    if synthetic > SCALES[scale]:
        raise SystemExit(f"the database holds {synthetic} synthetic communities, not {scale}")
    if synthetic < SCALES[scale]:
        call_command("seed_scale", preset=scale)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    summary = scale_summary()
    print(f"data ready in {time.perf_counter() - started:.0f} s: {summary}")
    return summary


def scale_summary() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM communities_community),"
            " (SELECT count(*) FROM communities_indicatorvalue),"
            " (SELECT count(*) FROM products_product),"
            " (SELECT count(*) FROM mentorship_trainingsession),"
            " (SELECT count(*) FROM mentorship_attendance)"
        )
        row = cursor.fetchone()
    labels = ("communities", "indicator values", "products", "sessions", "attendance rows")
    return ", ".join(f"{n:,} {label}" for n, label in zip(row, labels, strict=True))


def pages() -> list[tuple[str, str | None, str]]:
    """(label, who, path): every page of the issue, the admin changelist and the baseline."""
    busiest = (
        Community.objects.filter(province_id=PROVINCE, name_th__startswith=PREFIX)
        .order_by("-pk")
        .first()
    )
    mou = MOU.objects.filter(title_th__startswith=PREFIX, communities=busiest).first()
    return [
        ("hello-world", None, "/bench/hello/"),
        ("admin changelist", "staff", "/admin/communities/community/"),
        ("staff dashboard", "staff", "/dashboard/"),
        ("officer dashboard", "officer", "/dashboard/"),
        ("registry list", "officer", "/communities/"),
        ("registry filter", "officer", "/communities/?stage=developing&page=5"),
        ("registry search", "officer", "/communities/?" + urlencode({"q": "สังเคราะห์ 0042"})),
        ("community page", "officer", f"/communities/{busiest.pk}/"),
        ("catalogue", None, "/catalogue/"),
        ("catalogue filter", None, "/catalogue/?category=food&province=" + PROVINCE),
        ("catalogue search th", None, "/catalogue/?" + urlencode({"q": "กาแฟ"})),
        ("catalogue search en", None, "/catalogue/?q=coffee"),
        ("public home", None, "/"),
        ("public communities /c/", None, "/c/"),
        ("calendar month", "officer", "/training/month/"),
        ("calendar week", "officer", "/training/week/"),
        ("member dashboard", "member", "/dashboard/"),
        ("MOU page", "officer", f"/mous/{mou.pk}/"),
        ("inbox", "officer", "/notifications/"),
    ]


# --- The server ---------------------------------------------------------------------------
def production_env(static_root: Path, media_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CIV_"))}
    for name in ("DEBUG", "EMAIL_BACKEND", "EMAIL_FILE_PATH"):
        env.pop(name, None)
    env.update(
        CIV_ENV="production",
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        PYTHONUNBUFFERED="1",
    )
    return env


def sign_in(server: Gunicorn, email: str, password: str) -> str:
    """Sign in through the portal's sign-in form; the session's ``Cookie`` header.

    The cookies are Secure (production), so they are carried by hand over the plain
    connection to gunicorn, as the HTTPS proxy would. A second factor, once asked for,
    is answered here with the account's current code (tests.totp), as its app would show.
    """
    from tests.totp import code_for

    page = server.get("/accounts/login/")
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    response = _post_form(
        server, "/accounts/login/", {"login": email, "password": password}, cookies
    )
    if response.status == 302 and response.headers["Location"] == "/accounts/2fa/authenticate/":
        code = code_for(User.objects.get(email=email))
        response = _post_form(server, "/accounts/2fa/authenticate/", {"code": code}, cookies)
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"sign-in of {email} failed: {response.status}")
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


def _post_form(server: Gunicorn, path: str, fields: dict, cookies: SimpleCookie):
    """POST a form with the cookies so far (and its CSRF token); new cookies are kept."""
    body = urlencode({**fields, "csrfmiddlewaretoken": cookies["csrftoken"].value})
    connection_ = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection_.request(
        "POST",
        path,
        body=body,
        headers={
            **PROXY_HEADERS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items()),
            "Referer": f"https://127.0.0.1:{server.port}{path}",
        },
    )
    response = connection_.getresponse()
    response.read()
    connection_.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    return response


# --- The load -----------------------------------------------------------------------------
def request(port: int, path: str, headers: dict) -> tuple[float, int, str | None]:
    started = time.perf_counter()
    try:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        client.request("GET", path, headers=headers)
        response = client.getresponse()
        response.read()
        client.close()
        status, queries = response.status, response.getheader("X-Bench-Queries")
    except OSError:
        status, queries = 0, None
    return (time.perf_counter() - started) * 1000, status, queries


def user_loop(port, path, headers, start_at, seconds, results):
    while time.monotonic() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    samples = []
    while time.monotonic() < deadline:
        elapsed, status, _queries = request(port, path, headers)
        samples.append((elapsed, status, time.monotonic()))
    results.put(samples)


def run(port, path, headers, users, seconds) -> dict:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.monotonic() + 0.5
    workers = [
        context.Process(target=user_loop, args=(port, path, headers, start_at, seconds, results))
        for _ in range(users)
    ]
    for worker in workers:
        worker.start()
    samples = [sample for _ in workers for sample in results.get()]
    for worker in workers:
        worker.join()
    # Requests still running at the deadline finish (and count) after it: throughput is
    # over the time until the last one ended.
    elapsed = max(seconds, max(done for _e, _s, done in samples) - start_at)
    latencies = sorted(ms for ms, _status, _done in samples)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(samples),
        "rps": len(samples) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "errors": sum(1 for _ms, status, _done in samples if status != 200),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="per page and user count")
    parser.add_argument("--users", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--only", nargs="*", default=[], help="pages whose label has this")
    parser.add_argument("--save", help="write the figures as JSON to this file too")
    parser.add_argument("--scale", choices=sorted(SCALES), default="10k")
    parser.add_argument("--against", help="a --save of the other scale, to compare 'one'")
    args = parser.parse_args()

    summary = ensure_scale(args.scale)
    chosen = pages()
    if args.only:
        chosen = [p for p in chosen if p[0] == "hello-world" or any(o in p[0] for o in args.only)]
    work = Path(tempfile.mkdtemp(prefix="civ-load-"))
    env = production_env(work / "static", work / "media")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if collected.returncode:
        raise SystemExit(collected.stderr)
    server = Gunicorn(env, work, workers=args.workers, headers=PROXY_HEADERS)
    server.start()
    try:
        password = demo_password()
        cookies = {who: sign_in(server, email, password) for who, email in PEOPLE.items()}
        rows = []
        for label, who, path in chosen:
            headers = dict(PROXY_HEADERS)
            if who:
                headers["Cookie"] = cookies[who]
            # Every worker builds its templates and caches on its first answers.
            for _warm in range(3 * args.workers):
                request(server.port, path, headers)
            singles = [request(server.port, path, headers) for _ in range(9)]
            statuses = {status for _elapsed, status, _q in singles}
            if statuses != {200}:
                print(f"warning: {label} answered {statuses}", file=sys.stderr)
            one = statistics.median(elapsed for elapsed, _s, _q in singles)
            queries = singles[-1][2]
            for users in args.users:
                figures = run(server.port, path, headers, users, args.seconds)
                rows.append(
                    {"page": label, "users": users, "one": one, "queries": queries, **figures}
                )
                print(f"  {label} × {users}: {figures['rps']:.0f} req/s", file=sys.stderr)
    finally:
        server.stop()
    baseline = {row["users"]: row["rps"] for row in rows if row["page"] == "hello-world"}
    other = {}
    if args.against:
        other = {row["page"]: row["one"] for row in json.loads(Path(args.against).read_text())}
    header = (
        f"{'page':<24}{'users':>6}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'errors':>8}{'% hello':>9}{'queries':>9}{'one ms':>8}"
    )
    if other:
        header += f"{'other one':>10}{'×':>6}"
    print(
        f"\n{summary}\n{args.seconds:g} s per row, {args.workers} gunicorn workers, "
        f"{os.cpu_count()} CPUs"
    )
    print(header)
    for row in rows:
        share = 100 * row["rps"] / baseline[row["users"]] if baseline.get(row["users"]) else 0
        row["hello_share"] = share
        line = (
            f"{row['page']:<24}{row['users']:>6}{row['rps']:>9.1f}{row['p50']:>8.1f}"
            f"{row['p95']:>8.1f}{row['p99']:>8.1f}{row['errors']:>8}{share:>8.2f}%"
            f"{row['queries'] or '-':>9}{row['one']:>8.1f}"
        )
        if row["page"] in other:
            line += f"{other[row['page']]:>10.1f}{row['one'] / other[row['page']]:>6.2f}"
        print(line)
    if args.save:
        Path(args.save).write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
