"""Berkeleytime settings, read from the environment (12-factor).

Every value has a safe development default. Outside development
(BT_ENVIRONMENT=staging or production) SECRET_KEY and ALLOWED_HOSTS must be
set, or the process refuses to start.
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

ENVIRONMENT_CHOICES = ("development", "staging", "production")
BT_ENVIRONMENT = env.str("BT_ENVIRONMENT", default="development")
if BT_ENVIRONMENT not in ENVIRONMENT_CHOICES:
    raise ImproperlyConfigured(
        f"BT_ENVIRONMENT must be one of {', '.join(ENVIRONMENT_CHOICES)}, got {BT_ENVIRONMENT!r}."
    )
IS_DEVELOPMENT = BT_ENVIRONMENT == "development"


def _required_outside_development(name: str) -> None:
    if not IS_DEVELOPMENT and not env.str(name, default="").strip():
        raise ImproperlyConfigured(f"{name} must be set in the environment when BT_ENVIRONMENT={BT_ENVIRONMENT}.")


_required_outside_development("SECRET_KEY")
_required_outside_development("ALLOWED_HOSTS")

DEBUG = env.bool("DEBUG", default=IS_DEVELOPMENT)
SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-a-secret")

_HOST_DEFAULTS = {
    "development": ("localhost", "search.localhost", "dashboard.localhost"),
    "staging": ("staging.berkeleytime.com", "search.berkeleytime.com", "dashboard.berkeleytime.com"),
    "production": ("berkeleytime.com", "search.berkeleytime.com", "dashboard.berkeleytime.com"),
}
_main, _search, _dashboard = _HOST_DEFAULTS[BT_ENVIRONMENT]
BT_MAIN_HOST = env.str("BT_MAIN_HOST", default=_main)
BT_SEARCH_HOST = env.str("BT_SEARCH_HOST", default=_search)
BT_DASHBOARD_HOST = env.str("BT_DASHBOARD_HOST", default=_dashboard)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[BT_MAIN_HOST, BT_SEARCH_HOST, BT_DASHBOARD_HOST, "127.0.0.1", "[::1]", "testserver"],
)

# Where the public UC Berkeley data set lives; never copied into the repository.
BT_DATA_DIR = Path(env.str("BT_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "berkeley")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "berkeleytime",
    "sources",
    "catalog",
    "grades",
    "search",
    "enrollment",
    "sis",
    "dashboard",
    "schedules",
    "alerts",
    "axes",
    "csp",
    # Before allauth: its templates (sign-in, sign-out) are the site's own.
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "waitlists",
    "forecasts",
]

# Sections of a course's page contributed by other apps: each dotted path names a
# function (request, course) -> {"template": ..., **context} or None.
BT_COURSE_PANELS = [
    "grades.panels.course_panel",
    "enrollment.panels.course_panel",
    "forecasts.panels.course_panel",
    "waitlists.panels.course_panel",
    "alerts.panels.course_panel",
]
# What other apps say under the enrollment page's chart, per shown course and term
# (enrollment.views.series_notes).
BT_ENROLLMENT_NOTES: list[str] = [
    "forecasts.panels.enrollment_note",
    "waitlists.panels.enrollment_note",
]
# The control on every course card and course page (catalog.views.course_actions).
BT_COURSE_ACTIONS = "accounts.controls.Bookmarks"

MIDDLEWARE = [
    "berkeleytime.middleware.RequestIdMiddleware",
    "berkeleytime.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "berkeleytime.hosts.HostRoutingMiddleware",
    "berkeleytime.ratelimit.ApiRateLimitMiddleware",
    "berkeleytime.parameters.ParameterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Late, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a lost database connection first.
    "berkeleytime.middleware.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "berkeleytime.urls"
WSGI_APPLICATION = "berkeleytime.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "berkeleytime" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "berkeleytime.context_processors.site_links",
                "accounts.context_processors.account",
            ],
        },
    },
]

# PostgreSQL only. `make run` starts an embedded server and sets DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/berkeleytime"),
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set; an outage only costs cache hits (IGNORE_EXCEPTIONS). Every command
# goes through a circuit breaker (berkeleytime.breakers): after a failure each process skips Redis
# for REDIS_BREAKER_SECONDS, so a hung server costs one socket timeout per pause, not one per call.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default=f"bt-{BT_ENVIRONMENT}")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "REDIS_CLIENT_CLASS": "berkeleytime.breakers.Redis",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # The breaker logs an outage once when it opens; django-redis would log every call it skips.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
        }
    }

# Rate-limit counters (berkeleytime.ratelimit): in Redis, shared by every process,
# and in each process's own memory while Redis cannot be reached.
CACHES["ratelimit"] = (
    {
        "BACKEND": "berkeleytime.fallback_cache.RedisCacheWithLocalFallback",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"{CACHE_KEY_PREFIX}-ratelimit",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "REDIS_CLIENT_CLASS": "berkeleytime.breakers.Redis",  # the same breaker as the cache's
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
        },
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
        "KEY_PREFIX": f"{CACHE_KEY_PREFIX}-ratelimit",
    }
)

# Clients. Behind the ingress the client is the address our proxies append to
# X-Forwarded-For: TRUSTED_PROXY_COUNT is how many proxies of ours stand in front
# of the app (the ingress: 1), 0 to use the connection's address (berkeleytime.clients).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if IS_DEVELOPMENT else 1)

# API rate limits per client (berkeleytime.ratelimit), DRF rates "N/s|min|hour|day".
# Off by default in development, so that `make run`, the tests and the benchmarks,
# all from 127.0.0.1, never meet them; on everywhere else.
API_RATE_LIMITS_ENABLED = env.bool("API_RATE_LIMITS", default=not IS_DEVELOPMENT)
API_RATE_LIMITS = {
    "burst": env.str("API_RATE_BURST", default="120/min"),
    "sustained": env.str("API_RATE_SUSTAINED", default="2000/hour"),
}
for _scope, _rate in API_RATE_LIMITS.items():
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"API_RATE_{_scope.upper()} must read like 120/min, got {_rate!r}.")

# Whole-response caching of read-only API answers (berkeleytime.caching); off only to measure without it.
API_RESPONSE_CACHE = env.bool("API_RESPONSE_CACHE", default=True)
# Whole HTML pages that read the same for everybody (home, catalog, course pages).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)

ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# The alias the search index lives behind (default "<CACHE_KEY_PREFIX>-courses"),
# and the time budget of one Elasticsearch search before PostgreSQL answers instead.
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="")
SEARCH_TIMEOUT_MS = env.int("SEARCH_TIMEOUT_MS", default=300)
# After Elasticsearch fails, each process sends searches to postgres for this long before asking it again.
ELASTICSEARCH_BREAKER_SECONDS = env.float("ELASTICSEARCH_BREAKER_SECONDS", default=5.0)

# UC Berkeley's SIS APIs (sis_sync): where they answer, and each API's credentials,
# which come from the environment (a Secret in the cluster), never from a file.
SIS_API_URL = env.str("SIS_API_URL", default="https://gateway.api.berkeley.edu/sis")
SIS_CREDENTIALS = {
    api: (env.str(f"SIS_{api.upper()}_APP_ID", default=""), env.str(f"SIS_{api.upper()}_APP_KEY", default=""))
    for api in ("term", "course", "class")
}
SIS_TIMEOUT_SECONDS = env.float("SIS_TIMEOUT_SECONDS", default=30.0)
SIS_RETRIES = env.int("SIS_RETRIES", default=3)
# A run that would remove more than this share of a term's sections (or list this much
# fewer courses than the last run) is refused: the SIS has answered empty and partial before.
SIS_MAX_REMOVAL_SHARE = env.float("SIS_MAX_REMOVAL_SHARE", default=0.2)
# How long each run's raw answers are kept, for `sis_sync ... --replay RUN`.
SIS_ARCHIVE_DAYS = env.int("SIS_ARCHIVE_DAYS", default=14)
# No two importers or syncs write at once (berkeleytime.db.data_writes): how long a run
# waits for the one in progress before it gives up, nothing changed.
DATA_LOCK_WAIT_SECONDS = env.float("DATA_LOCK_WAIT_SECONDS", default=600.0)

# The image tag this process runs (the chart sets it): Sentry's release, shown by the dashboard.
BT_RELEASE = env.str("BT_RELEASE", default="")

# Errors go to Sentry only when SENTRY_DSN is set; with no DSN nothing is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from berkeleytime.sentry import init_sentry

    init_sentry(
        SENTRY_DSN, environment=BT_ENVIRONMENT, release=BT_RELEASE, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE
    )

# Sign-in lockout (django-axes) on the admin's and the dashboard's login: after
# LOGIN_FAILURE_LIMIT failed attempts for one username, or from one client
# address, that username or address is refused for LOGIN_LOCKOUT_SECONDS; a
# successful login clears the count. Attempts are rows in the database.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Students: sign-in with Google only (accounts app, django-allauth).
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(seconds=env.float("LOGIN_LOCKOUT_SECONDS", default=900))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "berkeleytime.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "dashboard/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Deployed images collect static files at build (hashed names, compressed);
# development serves them straight from the apps, DEBUG or not.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if IS_DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = IS_DEVELOPMENT
WHITENOISE_AUTOREFRESH = IS_DEVELOPMENT and DEBUG

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "berkeleytime.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["berkeleytime.api.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "berkeleytime.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "berkeleytime.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
API_MAX_PAGE_SIZE = 100

SPECTACULAR_SETTINGS = {
    "TITLE": "Berkeleytime API",
    "DESCRIPTION": "UC Berkeley courses, sections, grade distributions and enrollment.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation is public and anonymous: no sign-in scheme to document.
    "AUTHENTICATION_WHITELIST": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page's JavaScript is served by the app, never from a CDN.
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "berkeleytime.api.document_errors",
    ],
}

# Security headers. TLS terminates at the ingress, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not IS_DEVELOPMENT
CSRF_COOKIE_SECURE = not IS_DEVELOPMENT
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not IS_DEVELOPMENT)
# Probes and Prometheus reach pods over plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if IS_DEVELOPMENT else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not IS_DEVELOPMENT
SECURE_HSTS_PRELOAD = not IS_DEVELOPMENT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): everything from this
# site, no inline or injected script. Style attributes are allowed: pages set each
# selection's colour as a CSS variable on the element (style="--c: ...").
# The API docs page (Redoc) also needs inline <style> elements, which it writes at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"https://{h}" for h in (BT_MAIN_HOST, BT_SEARCH_HOST, BT_DASHBOARD_HOST)],
)

# Logs: readable lines in development, one JSON object per line elsewhere.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if IS_DEVELOPMENT else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "berkeleytime.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "berkeleytime.logging.JsonFormatter",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django_redis": {"level": "WARNING"},
    },
}

# Students sign in with Google, through django-allauth's OpenID Connect provider
# registered under the id "google" (its discovery document names Google's endpoints):
# GOOGLE_OIDC_URL is https://accounts.google.com in production and the local provider
# the tests start (tests/accounts/oidc.py) in tests. No passwords of our own: only
# verified addresses of ACCOUNT_ALLOWED_DOMAIN (Google's hd claim and the address's
# domain, checked in accounts.adapter) get an account; anything else is refused.
ACCOUNT_ALLOWED_DOMAIN = env.str("ACCOUNT_ALLOWED_DOMAIN", default="berkeley.edu").lower()
GOOGLE_OIDC_URL = env.str("GOOGLE_OIDC_URL", default="https://accounts.google.com")
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")
SOCIALACCOUNT_ONLY = True
SOCIALACCOUNT_ADAPTER = "accounts.adapter.BerkeleySocialAccountAdapter"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "google",
                "name": "Google",
                "client_id": GOOGLE_CLIENT_ID,
                "secret": GOOGLE_CLIENT_SECRET,
                "settings": {
                    "server_url": GOOGLE_OIDC_URL,
                    # The ID token, from the token endpoint over TLS, carries email, email_verified and hd.
                    "fetch_userinfo": False,
                    # Google's account chooser offers accounts of this domain first.
                    "auth_params": {"hd": ACCOUNT_ALLOWED_DOMAIN, "prompt": "select_account"},
                },
            }
        ],
    }
}
# The sign-in form posts to our login view, which redirects to the provider's authorization
# endpoint; browsers apply form-action to that redirect too, so the provider's origin is allowed.
_oidc = urlsplit(GOOGLE_OIDC_URL)
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [SELF, f"{_oidc.scheme}://{_oidc.netloc}"]
# What a student's JSON export holds: each dotted path names a function (user) -> dict
# whose keys join the export (accounts.exports).
BT_ACCOUNT_EXPORTS = [
    "accounts.exports.saved_courses",
    "schedules.exports.schedules",
    "alerts.exports.follows",
]

# The operations dashboard (BT_DASHBOARD_HOST, the dashboard app). Its login
# page is the only one on the site; staff accounts come from createsuperuser
# or the admin.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
# Students' pages send signed-out visitors here instead (accounts.views).
BT_SIGN_IN_URL = "/accounts/login/"

# Deploy buttons. DEPLOY_VIA=command: the deploy worker (manage.py
# deploy_worker) runs DEPLOY_COMMANDS[environment] in DEPLOY_WORKDIR, adding
# DRY_RUN=1 when DEPLOY_DRY_RUN is set. DEPLOY_VIA=github: the worker starts
# GITHUB_WORKFLOWS[environment] through GitHub's API (workflow_dispatch) on
# DEPLOY_GIT_REF, with GITHUB_TOKEN (a token allowed to run Actions workflows).
DEPLOY_VIA = env.str("DEPLOY_VIA", default="command")
if DEPLOY_VIA not in ("command", "github"):
    raise ImproperlyConfigured(f"DEPLOY_VIA must be command or github, got {DEPLOY_VIA!r}.")
DEPLOY_GIT_REF = env.str("DEPLOY_GIT_REF", default="main")
DEPLOY_COMMANDS = {
    "staging": env.str("DEPLOY_STAGING_COMMAND", default="make deploy-staging"),
    "production": env.str("DEPLOY_PRODUCTION_COMMAND", default="make deploy-production"),
}
DEPLOY_DRY_RUN = env.bool("DEPLOY_DRY_RUN", default=False)
DEPLOY_WORKDIR = env.path("DEPLOY_WORKDIR", default=BASE_DIR)
DEPLOY_TIMEOUT = env.int("DEPLOY_TIMEOUT", default=1800)
# A running deploy whose worker has not reported for this long is marked failed.
DEPLOY_HEARTBEAT_TIMEOUT = env.int("DEPLOY_HEARTBEAT_TIMEOUT", default=120)
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com")
GITHUB_SERVER_URL = env.str("GITHUB_SERVER_URL", default="https://github.com")
GITHUB_REPOSITORY = env.str("GITHUB_REPOSITORY", default="asuc-octo/berkeleytime")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")
GITHUB_WORKFLOWS = {
    "staging": env.str("GITHUB_STAGING_WORKFLOW", default="ci.yml"),
    "production": env.str("GITHUB_PRODUCTION_WORKFLOW", default="deploy-production.yml"),
}

# Prometheus's HTTP API, for the dashboard's request rate and p95 latency; empty: not shown.
PROMETHEUS_URL = env.str("PROMETHEUS_URL", default="")
PROMETHEUS_RATE_WINDOW = env.str("PROMETHEUS_RATE_WINDOW", default="5m")

# The dashboard's links to the cluster's tools. None has a public host: the
# defaults are where `kubectl port-forward` (the hint) puts them.
DASHBOARD_LINKS = [
    {
        "name": "Headlamp (cluster)",
        "url": env.str("CLUSTER_UI_URL", default="http://localhost:4466/"),
        "hint": "kubectl -n headlamp port-forward svc/headlamp 4466:80",
    },
    {
        "name": "Kibana (logs)",
        "url": env.str("KIBANA_URL", default="https://localhost:5601/"),
        "hint": "kubectl -n elastic port-forward svc/kibana-kb-http 5601",
    },
    {
        "name": "Grafana (metrics)",
        "url": env.str("GRAFANA_URL", default="http://localhost:3000/"),
        "hint": "kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80",
    },
    {
        "name": "Prometheus",
        "url": env.str("PROMETHEUS_UI_URL", default="http://localhost:9090/"),
        "hint": "kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090",
    },
]

# Seat alerts (the alerts app) send email from the enrollment sync's process. EMAIL_URL is
# django-environ's email URL (smtp+tls://user:password@host:587; in the cluster, from the
# Secret); unset, emails are printed by the console backend. Links in the emails point at
# ALERT_SITE_URL. A student gets at most ALERT_DAILY_CAP alert emails a day.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"Berkeleytime <alerts@{BT_MAIN_HOST}>")
ALERT_SITE_URL = env.str("ALERT_SITE_URL", default=f"{'http' if IS_DEVELOPMENT else 'https'}://{BT_MAIN_HOST}")
ALERT_DAILY_CAP = env.int("ALERT_DAILY_CAP", default=10)
