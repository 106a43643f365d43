# polis production image. Build: docker build -t polis .  (see docs/DEPLOY.md)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 POLIS_VAR_DIR=/var/lib/polis
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock pyproject.toml package.json ./
RUN pip install --no-cache-dir uv==0.13.9 \
 && uv pip install --system --no-cache -r requirements.lock \
 && npm install --no-audit --no-fund --omit=dev
COPY . .
RUN uv pip install --system --no-deps -e . \
 && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
 && useradd --system --home /var/lib/polis polis && mkdir -p /var/lib/polis \
 && chown polis /var/lib/polis

USER polis
EXPOSE 8000
ENV BIND=0.0.0.0:8000
CMD ["gunicorn", "polis.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
