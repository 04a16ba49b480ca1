# CIV Portal production image: gunicorn by default; the same image runs the Celery
# worker and beat (see docker-compose.yml). Every setting comes from the environment.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages. Pango and HarfBuzz: WeasyPrint's PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --user-group civ
WORKDIR /app

# Dependencies first, so a code change does not reinstall them
# (pyproject has no packages: `pip install .` installs only the dependencies).
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Build-time values only: production settings refuse to load without them, and neither
# command connects to the database or Redis.
RUN export CIV_ENV=production SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    && python manage.py compilemessages --ignore=.venv --ignore=var \
    && python manage.py collectstatic --noinput \
    && mkdir -p var/media var/beat var/backups \
    && chown -R civ:civ var

# Code and static files stay root-owned; the app writes only to var/ (media, beat schedule,
# backups). New named volumes mounted there start with these owners.
USER civ
ENV CIV_ENV=production MEDIA_ROOT=/app/var/media
EXPOSE 8000
CMD ["gunicorn", "civportal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-"]
