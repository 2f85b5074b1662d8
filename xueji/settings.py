"""Django settings for Xueji.

Everything a deployment changes comes from the environment, so the same code runs the SQLite demo on a laptop
and the PostgreSQL registry of a province:
  DATABASE_URL        default sqlite:///<XUEJI_DATA_DIR>/xueji.sqlite3
  XUEJI_DATA_DIR      where the SQLite file and uploaded files live (default ./var)
  XUEJI_SECRET_KEY    required when XUEJI_DEBUG is off and the key file is absent
  XUEJI_DEBUG         "1" for development
  XUEJI_ALLOWED_HOSTS comma separated
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("XUEJI_DATA_DIR", Path.cwd() / "var")).resolve()
DEBUG = os.environ.get("XUEJI_DEBUG", "0") == "1"


def _secret_key() -> str:
    # A key file beside the data survives restarts without asking a newcomer to invent a secret.
    if os.environ.get("XUEJI_SECRET_KEY"):
        return os.environ["XUEJI_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("XUEJI_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("XUEJI_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Lets /api/v1/docs serve Swagger UI from ninja's own static files instead of a CDN (no network at run time).
    "ninja",
    "xueji.core",
    "xueji.orgs",
    "xueji.accounts",
    "xueji.students",
    "xueji.audit",
    "xueji.workdays",
    "xueji.applications",
    "xueji.placement",
    "xueji.semester",
    "xueji.intake",
    "xueji.forms",
    "xueji.archive",
    "xueji.reorganisation",
    "xueji.transfers",
    "xueji.visiting",
    "xueji.certificates",
    "xueji.todo",
    "xueji.lookup",
    "xueji.access",
    "xueji.guardians",
    "xueji.schoolyear",
    "xueji.graduation",
    "xueji.conditions",
    "xueji.registers",
    "xueji.notices",
    "xueji.statistics",
    "xueji.web",
    "xueji.demo",
]

# The signed-in user is read with his school or division (xueji/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["xueji.accounts.backends.AccountBackend"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xueji.core.sessions.SlidingSessionMiddleware",
    # No LocaleMiddleware: the registry speaks one language (LANGUAGES below), which Django uses without it;
    # negotiating Accept-Language on every request bought nothing.
    "django.middleware.common.CommonMiddleware",
    # A NUL character is refused before any view: PostgreSQL cannot store one (400, not 500).
    "xueji.core.nul.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xueji.core.middleware.RequestContextMiddleware",
    # A guardian's session opens his own pages only (the officer pages would show him empty lists).
    "xueji.guardians.confinement.GuardianConfinementMiddleware",
    # Django reads multipart bodies of POST only; the API uploads a photo with PUT.
    "ninja.compatibility.files.fix_request_files_middleware",
]

ROOT_URLCONF = "xueji.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xueji.web.context.navigation",
            ],
        },
    },
]
WSGI_APPLICATION = "xueji.wsgi.application"

DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'xueji.sqlite3'}"
# One persistent connection per server thread (xueji serve runs threads), checked before it is reused and
# renewed after XUEJI_DB_CONN_SECONDS. A new PostgreSQL backend builds its catalogue caches on its first queries
# (tens of milliseconds for a page's): renewed every minute, each of 40 threads paid that 40 times an hour, the
# slowest pages under load.
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
                                              conn_max_age=int(os.environ.get("XUEJI_DB_CONN_SECONDS", 600)),
                                              conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short queries, many users: no JIT and no parallel workers (docs/deployment.md, "PostgreSQL settings").
    # JIT compiled any query the planner costed high: the to-do count of a county, every page's navigation,
    # paid 100–140 ms of compiling for 15 ms of work. A parallel plan started workers for a common name's
    # province search (张伟: 17 ms, 4 ms without) and took cores from the other requests. XUEJI_PG_OPTIONS
    # replaces these (for example "" on a database that sets them itself).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "XUEJI_PG_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # Counts characters, not bytes; also refuses blank passwords and the username (Chinese messages).
    {"NAME": "xueji.accounts.passwords.RegistryPasswordValidator", "OPTIONS": {"min_length": 10}},
    # Django's common-password list plus the registry's own words with digits, with a Chinese message.
    {"NAME": "xueji.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Sessions end after two working hours of inactivity and with the browser: shared office computers are common.
# A session is saved only when it changed; the inactivity clock is moved on at most every
# XUEJI_SESSION_REFRESH_SECONDS (xueji/core/sessions.py), not by a database write on every request.
SESSION_COOKIE_AGE = int(os.environ.get("XUEJI_SESSION_SECONDS", 2 * 3600))
SESSION_SAVE_EVERY_REQUEST = False
XUEJI_SESSION_REFRESH_SECONDS = int(os.environ.get("XUEJI_SESSION_REFRESH_SECONDS", 300))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("XUEJI_SECURE_COOKIES", "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Log-in throttle (xueji/accounts/throttle.py): failures are counted per username and per source address; past
# the free number each further failure doubles the wait, from XUEJI_LOGIN_DELAY_SECONDS up to the lock minutes.
XUEJI_LOGIN_MAX_FAILURES = int(os.environ.get("XUEJI_LOGIN_MAX_FAILURES", 5))
XUEJI_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("XUEJI_LOGIN_ADDRESS_MAX_FAILURES", 30))
XUEJI_LOGIN_DELAY_SECONDS = int(os.environ.get("XUEJI_LOGIN_DELAY_SECONDS", 30))
XUEJI_LOGIN_LOCK_MINUTES = int(os.environ.get("XUEJI_LOGIN_LOCK_MINUTES", 15))
XUEJI_LOGIN_FORGET_HOURS = int(os.environ.get("XUEJI_LOGIN_FORGET_HOURS", 24))
XUEJI_LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("XUEJI_LOGIN_KNOWN_ADDRESS_DAYS", 30))
# Staff accounts unused this many days are sealed until the level above reopens them. A security number of the
# deployment, not of the regulation (the 办法 sets none), hence a setting rather than ProvincePolicy data.
XUEJI_DORMANT_DAYS = int(os.environ.get("XUEJI_DORMANT_DAYS", 90))
# "1" in production: province, city and auditor accounts must enrol a TOTP second factor at their first log-in.
# Off by default so the demo and fresh installs log in with a password; an enrolled account needs its code anyway.
XUEJI_REQUIRE_TOTP = os.environ.get("XUEJI_REQUIRE_TOTP", "0") == "1"
# Seconds a server process reuses a province's or city's student counts by child division (xueji/web/summaries.py);
# registries under 100,000 records are always counted exactly.
XUEJI_SUMMARY_SECONDS = int(os.environ.get("XUEJI_SUMMARY_SECONDS", 30))
# How long the navigation's to-do and inbox counts are reused for one user (xueji/web/badges.py); 0 counts on
# every page.
XUEJI_BADGE_SECONDS = int(os.environ.get("XUEJI_BADGE_SECONDS", 30))
# How long a server process reuses the compiled query of a user's to-do list (xueji/todo/selectors.py); 0: never.
XUEJI_TODO_SQL_SECONDS = int(os.environ.get("XUEJI_TODO_SQL_SECONDS", 60))
XUEJI_TOKEN_HOURS = int(os.environ.get("XUEJI_TOKEN_HOURS", 8))
XUEJI_PROVINCE = os.environ.get("XUEJI_PROVINCE", "140000")
XUEJI_UPLOAD_MAX_BYTES = int(os.environ.get("XUEJI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
XUEJI_PHOTO_MAX_BYTES = int(os.environ.get("XUEJI_PHOTO_MAX_BYTES", 60 * 1024))
# Spreadsheet import: helper processes that check rows of large files in parallel. Off by default: on two cores
# they win ~10 % on SQLite, nothing on PostgreSQL, and cost ~100 MB, which pushes a 100,000-row import past 1 GB.
XUEJI_IMPORT_PROCESSES = int(os.environ.get("XUEJI_IMPORT_PROCESSES", 0))
XUEJI_IMPORT_MAX_BYTES = int(os.environ.get("XUEJI_IMPORT_MAX_BYTES", 100 * 1024 * 1024))
# What one uploaded spreadsheet may make the server do (xueji/intake/limits.py; README "Upload limits").
for _name, _default in (("ROWS", 100_000), ("COLUMNS", 128), ("CELL_CHARS", 32_767), ("SHEET_BYTES", 512 << 20),
                        ("MEMBER_BYTES", 64 << 20), ("UNZIPPED_BYTES", 640 << 20), ("RATIO", 100), ("MEMBERS", 1000),
                        ("XLS_BYTES", 32 << 20), ("REQUEST_SECONDS", 90), ("BACKGROUND_SECONDS", 1800)):
    globals()[f"XUEJI_IMPORT_MAX_{_name}"] = int(os.environ.get(f"XUEJI_IMPORT_MAX_{_name}", _default))
# A running import whose heartbeat is older than this (or whose process is gone) died and may be retried.
XUEJI_IMPORT_LEASE_SECONDS = int(os.environ.get("XUEJI_IMPORT_LEASE_SECONDS", 60))
# The public student-number query (xueji/lookup): queries per source address per minute; failures per ID number
# before that ID is locked (whatever the address) and for how long; failures per address before a captcha is
# asked for each further query, counted over this window; how long a captcha stays valid.
XUEJI_LOOKUP_PER_MINUTE = int(os.environ.get("XUEJI_LOOKUP_PER_MINUTE", 20))
XUEJI_LOOKUP_ID_FAILURES = int(os.environ.get("XUEJI_LOOKUP_ID_FAILURES", 5))
XUEJI_LOOKUP_ID_LOCK_MINUTES = int(os.environ.get("XUEJI_LOOKUP_ID_LOCK_MINUTES", 60))
XUEJI_LOOKUP_CAPTCHA_AFTER = int(os.environ.get("XUEJI_LOOKUP_CAPTCHA_AFTER", 3))
XUEJI_LOOKUP_FAILURE_WINDOW_MINUTES = int(os.environ.get("XUEJI_LOOKUP_FAILURE_WINDOW_MINUTES", 60))
XUEJI_LOOKUP_CAPTCHA_SECONDS = int(os.environ.get("XUEJI_LOOKUP_CAPTCHA_SECONDS", 300))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-public/"
DATA_UPLOAD_MAX_MEMORY_SIZE = XUEJI_UPLOAD_MAX_BYTES

# The audit log (第四十四条). Source addresses come from the connection; X-Forwarded-For counts only when the
# connection comes from one of these proxies (comma-separated addresses or CIDRs, e.g. "127.0.0.1,10.1.0.0/16").
XUEJI_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("XUEJI_TRUSTED_PROXIES", "").split(",") if p.strip()]
# The key that signs the audit chain's checkpoints (HMAC-SHA256). Keep it outside the database, apart from
# XUEJI_SECRET_KEY if possible: whoever holds it can re-sign a rewritten chain. Unset, a key is derived from
# SECRET_KEY (fine for the demo; `xueji check --deploy` warns).
XUEJI_AUDIT_KEY = os.environ.get("XUEJI_AUDIT_KEY", "")
# A signed checkpoint of the chain's head every this many audit rows (and at every verification).
XUEJI_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("XUEJI_AUDIT_CHECKPOINT_EVERY", 100))
# Every checkpoint is also appended to this file, outside the database (ship it to another host or WORM storage):
# whoever can rewrite the tables cannot then hide that the newest rows were deleted.
XUEJI_AUDIT_ANCHOR_FILE = os.environ.get("XUEJI_AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit" / "checkpoints.log"))
# Audit rows are inserted unsealed and sealed into the hash chain afterwards (xueji/audit/chain.py): "inline"
# seals in the writer's own transaction (the default on SQLite, which serialises writers anyway), "deferred"
# after its commit and by `xueji audit seal --loop` (the default on PostgreSQL: writers never wait for each other).
XUEJI_AUDIT_SEAL = os.environ.get("XUEJI_AUDIT_SEAL", "")
# Rows sealed per transaction of the sealer.
XUEJI_AUDIT_SEAL_BATCH = int(os.environ.get("XUEJI_AUDIT_SEAL_BATCH", 2000))
# In deferred mode each process also tries to seal after a commit, at most once per this many seconds
# (negative: never, leave it to `xueji audit seal --loop`).
XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS = float(os.environ.get("XUEJI_AUDIT_SEAL_AFTER_COMMIT_SECONDS", 1.0))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XUEJI_LOG_LEVEL", "WARNING")},
}
