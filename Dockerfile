# polis production image. Build: docker build -t polis .  (see docs/DEPLOY.md)
# Stage 1 builds the virtualenv and the front-end packages; stage 2 runs them without compilers,
# npm or build caches.
FROM python:3.11-slim-bookworm AS build

ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy VIRTUAL_ENV=/opt/venv STATIC_ROOT=/app/staticfiles
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9 \
 && python -m venv $VIRTUAL_ENV

WORKDIR /app
COPY requirements.lock pyproject.toml package.json package-lock.json ./
RUN uv pip install --python $VIRTUAL_ENV/bin/python --no-cache -r requirements.lock \
 && npm ci --no-audit --no-fund --omit=dev
COPY src ./src
COPY manage.py ./
# Editable: the settings find node_modules (for collectstatic) beside src/.
RUN uv pip install --python $VIRTUAL_ENV/bin/python --no-cache --no-deps -e . \
 && $VIRTUAL_ENV/bin/python -m compileall -q src \
 && DEBUG=0 SECRET_KEY=build-only $VIRTUAL_ENV/bin/python manage.py collectstatic --noinput -v0

FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 POLIS_VAR_DIR=/var/lib/polis PATH=/opt/venv/bin:$PATH \
    STATIC_ROOT=/app/staticfiles
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/polis polis && mkdir -p /var/lib/polis \
 && chown polis /var/lib/polis

WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app/manage.py /app/pyproject.toml ./
COPY --from=build /app/src ./src
COPY --from=build /app/staticfiles ./staticfiles
COPY deploy ./deploy

USER polis
EXPOSE 8000
ENV BIND=0.0.0.0:8000
# gunicorn accepts connections (an HTTP check would need a Host in ALLOWED_HOSTS).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import socket; socket.create_connection(('127.0.0.1', 8000), 4).close()"
CMD ["gunicorn", "polis.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
