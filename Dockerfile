# syntax=docker/dockerfile:1
# One image for the register's web, worker and beat processes (docker-compose.yml gives each its
# command from the Procfile). Built from the locked dependencies: package-lock.json for GOV.UK
# Frontend and the stylesheet, requirements.lock for Python.

# The stylesheet, compiled as `make frontend` compiles it.
FROM node:22-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
RUN mkdir -p var/frontend \
 && node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import \
      --load-path=node_modules/govuk-frontend/dist frontend/register.scss var/frontend/register.css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REGISTER_ENV=production
# WeasyPrint draws the Standards Committee report's PDF (D5) with Pango, in Liberation Sans / DejaVu.
# The scheduled backup (the backup service, docs/backups.md) runs pg_dump (PostgreSQL 15's client, as the
# db service) and age.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-liberation fonts-dejavu-core postgresql-client-15 age \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /app register
WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
# GOV.UK Frontend's scripts, fonts and images, and the compiled stylesheet (settings.STATICFILES_DIRS).
COPY --from=frontend /app/node_modules/govuk-frontend/dist/govuk node_modules/govuk-frontend/dist/govuk
COPY --from=frontend /app/var/frontend var/frontend
COPY . .
# Hashed, compressed static files for whitenoise. The key below exists only for this build step;
# the containers get the real one from the environment.
RUN SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything-0123456789 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input -v 0 \
 && mkdir -p var/backups \
 && chown -R register:register var
USER register
EXPOSE 8000
CMD ["gunicorn", "register.wsgi"]
