"""Credential and near-miss generators for the accuracy corpus (make_corpus.py).

Every value is assembled from a seeded RNG at run time, in the format its
provider documents (prefixes, lengths, alphabets, and checksums where the
format has one: GitHub and npm tokens carry a CRC32, PyPI tokens are
macaroons, Grafana service account tokens a CRC32 of their body).  Nothing
here is a real credential.

A generator returns an `Item`: a value, the name it is usually assigned to,
whether it is a secret or a decoy (a near miss that is not a secret), the
category it belongs to or imitates, and its kind.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import sys
import uuid as uuidlib
import zlib
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from make_corpus import rsa_private_key_pem  # noqa: E402  (shared with the speed corpus)

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
BASE62 = DIGITS + UPPER + LOWER
B64 = UPPER + LOWER + DIGITS + "+/"
B64URL = UPPER + LOWER + DIGITS + "-_"
HEX = "0123456789abcdef"
AWS_ID = UPPER + "234567"

# Secret categories (the scorer reports each); decoys carry the one they imitate.
CLOUD = "cloud"
AI = "ai"
CODE = "code-ci"  # code hosting, CI, package registries, secret managers
PAYMENTS = "payments"
MESSAGING = "messaging"  # chat, email, SMS
SAAS = "saas"  # observability, identity, productivity
DATABASE = "database"
PRIVATE_KEY = "private-key"
JWT = "jwt"
GENERIC = "generic"  # passwords and unprefixed keys known by their name
ENCODED = "encoded"  # any of the above, written base64- or percent-encoded
CATEGORIES = [CLOUD, AI, CODE, PAYMENTS, MESSAGING, SAAS, DATABASE, PRIVATE_KEY, JWT, GENERIC, ENCODED]

# Decoy kinds.
PLACEHOLDER = "placeholder"
DOCS_EXAMPLE = "docs-example"
TEST_KEY = "test-key"
HASH = "hash"
UUID = "uuid"
LOCKFILE = "lockfile-integrity"
IMAGE = "base64-image"
PUBLIC = "public-key"
IDENTIFIER = "identifier"
ENCRYPTED = "encrypted"
REFERENCE = "reference"
DECOY_KINDS = [PLACEHOLDER, REFERENCE, DOCS_EXAMPLE, TEST_KEY, HASH, UUID, LOCKFILE, IMAGE, PUBLIC, IDENTIFIER, ENCRYPTED]

COMPANIES = ["acme-corp", "northwind", "globex", "initech", "umbrella-labs", "hooli", "vandelay", "soylent", "tyrell", "wayne-ent"]
TLDS = ["io", "com", "dev", "net", "cloud"]
WORDS = """account alert archive asset audit billing bucket cache campaign cart catalog checkout cluster
customer dashboard delivery digest dispatch document export feed gateway inventory invoice ledger
mailer media metrics notify order payment payout pipeline portal pricing profile quota receipt
refund report review search session shipment signup storage stream subscription support sync
tenant ticket tracker upload usage vault wallet warehouse webhook worker""".split()
FIRST = "ada alan barbara carol dennis edsger frances grace ivan james ken linus margaret radia tim".split()


@dataclass
class Item:
    """A value to plant, with its label."""

    name: str  # the name it is assigned to, CONSTANT_CASE
    value: str
    secret: bool  # a secret, or a decoy
    category: str
    kind: str  # provider for secrets, decoy kind for decoys


class Rng:
    """The corpus's one seeded RNG, with helpers."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.r.choices(alphabet, k=n))

    def hex(self, n: int) -> str:
        return self.chars(HEX, n)

    def int(self, lo: int, hi: int) -> int:
        return self.r.randint(lo, hi)

    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def shuffle(self, seq) -> None:
        self.r.shuffle(seq)

    def bytes(self, n: int) -> bytes:
        return self.r.randbytes(n)

    def word(self) -> str:
        return self.pick(WORDS)

    def domain(self) -> str:
        return f"{self.pick(COMPANIES)}.{self.pick(TLDS)}"

    def host(self) -> str:
        return f"{self.word()}.{self.domain()}"

    def user(self) -> str:
        return self.pick([f"{self.word()}_svc", f"{self.pick(FIRST)}", f"{self.word()}-app", "deploy", "ci", f"{self.word()}_rw"])

    def uuid4(self) -> str:
        return str(uuidlib.UUID(bytes=self.bytes(16), version=4))

    def uuid1(self) -> str:
        # A time-based UUID: timestamp fields from the RNG, RFC variant, version 1.
        node = self.int(0, 2**48 - 1)
        t = self.int(0x1EA0_0000_0000_0000, 0x1EF0_0000_0000_0000)
        return str(uuidlib.UUID(fields=(t & 0xFFFFFFFF, (t >> 32) & 0xFFFF, ((t >> 48) & 0x0FFF) | 0x1000, 0x80 | self.int(0, 0x3F), self.int(0, 255), node)))

    def password(self) -> str:
        """A password as people and password managers make them."""
        kind = self.int(0, 4)
        if kind == 0:  # password manager, with symbols
            return self.chars(ALNUM + "!#%^*_-+=", self.int(16, 28))
        if kind == 1:  # alphanumeric
            return self.chars(ALNUM, self.int(14, 24))
        if kind == 2:  # words, digits and a symbol
            w = [self.pick(WORDS).capitalize() for _ in range(2)]
            return f"{w[0]}{self.pick('-_.!')}{w[1]}{self.int(10, 9999)}{self.pick('!#$%')}"
        if kind == 3:  # openssl rand -base64 24
            return base64.b64encode(self.bytes(self.pick([18, 24, 32]))).decode()
        return self.hex(self.pick([24, 32]))  # openssl rand -hex


def b62_crc(body: str) -> str:
    n = zlib.crc32(body.encode()) & 0xFFFFFFFF
    out = ""
    while n:
        n, rem = divmod(n, 62)
        out = BASE62[rem] + out
    return out.rjust(6, "0")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# ---------------------------------------------------------------- secrets


def aws_pair(g: Rng) -> tuple[Item, Item]:
    key_id = g.pick(["AKIA", "AKIA", "ASIA"]) + g.chars(AWS_ID, 16)
    secret = g.chars(ALNUM + "/+", 40)
    return (Item("AWS_ACCESS_KEY_ID", key_id, True, CLOUD, "aws-access-key-id"),
            Item("AWS_SECRET_ACCESS_KEY", secret, True, CLOUD, "aws-secret-key"))


def aws_session_token(g: Rng) -> Item:
    body = base64.b64encode(g.bytes(g.int(280, 420))).decode()
    return Item("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2Vj" + body, True, CLOUD, "aws-session-token")


def azure_storage_connection_string(g: Rng) -> Item:
    key = base64.b64encode(g.bytes(64)).decode()
    value = f"DefaultEndpointsProtocol=https;AccountName={g.word()}{g.int(10, 99)}prod;AccountKey={key};EndpointSuffix=core.windows.net"
    return Item("AZURE_STORAGE_CONNECTION_STRING", value, True, CLOUD, "azure-storage-key")


def azure_client_secret(g: Rng) -> Item:
    value = g.chars(ALNUM, 3) + g.chars(DIGITS, 1) + "Q~" + g.chars(ALNUM + "_~.-", 34)
    return Item("AZURE_CLIENT_SECRET", value, True, CLOUD, "azure-ad-client-secret")


def digitalocean(g: Rng) -> Item:
    return Item("DIGITALOCEAN_TOKEN", "dop_v1_" + g.hex(64), True, CLOUD, "digitalocean")


def alibaba(g: Rng) -> Item:
    return Item("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI" + g.chars(ALNUM, 20), True, CLOUD, "alibaba")


def cloudflare(g: Rng) -> Item:
    return Item("CLOUDFLARE_API_TOKEN", g.chars(ALNUM + "_-", 40), True, CLOUD, "cloudflare")


def heroku(g: Rng) -> Item:
    return Item("HEROKU_API_KEY", g.uuid4(), True, CLOUD, "heroku")


def netlify(g: Rng) -> Item:
    return Item("NETLIFY_AUTH_TOKEN", "nfp_" + g.chars(ALNUM, 40), True, CLOUD, "netlify")


def flyio(g: Rng) -> Item:
    return Item("FLY_API_TOKEN", "fo1_" + g.chars(B64URL, 43), True, CLOUD, "flyio")


def openai(g: Rng) -> Item:
    if g.chance(0.7):
        kind = g.pick(["proj", "proj", "svcacct"])
        value = f"sk-{kind}-" + g.chars(B64URL, 74) + "T3BlbkFJ" + g.chars(B64URL, 74)
    else:
        value = "sk-" + g.chars(ALNUM, 20) + "T3BlbkFJ" + g.chars(ALNUM, 20)
    return Item("OPENAI_API_KEY", value, True, AI, "openai")


def anthropic(g: Rng) -> Item:
    return Item("ANTHROPIC_API_KEY", "sk-ant-api03-" + g.chars(B64URL, 93) + "AA", True, AI, "anthropic")


def huggingface(g: Rng) -> Item:
    return Item("HF_TOKEN", "hf_" + g.chars(UPPER + LOWER, 34), True, AI, "huggingface")


def groq(g: Rng) -> Item:
    return Item("GROQ_API_KEY", "gsk_" + g.chars(ALNUM, 52), True, AI, "groq")


def replicate(g: Rng) -> Item:
    return Item("REPLICATE_API_TOKEN", "r8_" + g.chars(ALNUM, 37), True, AI, "replicate")


def perplexity(g: Rng) -> Item:
    return Item("PERPLEXITY_API_KEY", "pplx-" + g.chars(ALNUM, 48), True, AI, "perplexity")


def xai(g: Rng) -> Item:
    return Item("XAI_API_KEY", "xai-" + g.chars(ALNUM, 80), True, AI, "xai")


def openrouter(g: Rng) -> Item:
    return Item("OPENROUTER_API_KEY", "sk-or-v1-" + g.hex(64), True, AI, "openrouter")


def mistral(g: Rng) -> Item:
    return Item("MISTRAL_API_KEY", g.chars(ALNUM, 32), True, AI, "mistral")


def cohere(g: Rng) -> Item:
    return Item("COHERE_API_KEY", g.chars(ALNUM, 40), True, AI, "cohere")


def deepseek(g: Rng) -> Item:
    return Item("DEEPSEEK_API_KEY", "sk-" + g.hex(32), True, AI, "deepseek")


def together(g: Rng) -> Item:
    return Item("TOGETHER_API_KEY", "tgp_v1_" + g.chars(B64URL, 43), True, AI, "together")


def gemini(g: Rng) -> Item:
    return Item("GEMINI_API_KEY", "AIza" + g.chars(B64URL, 35), True, AI, "google-ai")


def github(g: Rng) -> Item:
    prefix = g.pick(["ghp", "ghp", "gho", "ghs"])
    body = g.chars(ALNUM, 30)
    return Item("GITHUB_TOKEN", f"{prefix}_{body}{b62_crc(body)}", True, CODE, "github")


def github_fine_grained(g: Rng) -> Item:
    return Item("GH_TOKEN", "github_pat_" + g.chars(ALNUM, 22) + "_" + g.chars(ALNUM, 59), True, CODE, "github")


def gitlab(g: Rng) -> Item:
    return Item("GITLAB_TOKEN", "glpat-" + g.chars(ALNUM + "_-", 20), True, CODE, "gitlab")


def npm(g: Rng) -> Item:
    body = g.chars(ALNUM, 30)
    return Item("NPM_TOKEN", f"npm_{body}{b62_crc(body)}", True, CODE, "npm")


def pypi(g: Rng) -> Item:
    """A PyPI API token: `pypi-` + a version-2 macaroon for pypi.org."""

    def field(kind: int, data: bytes) -> bytes:
        return bytes([kind, len(data)]) + data

    identifier = str(uuidlib.UUID(bytes=g.bytes(16), version=4)).encode()
    caveat = json.dumps({"version": 1, "permissions": {"projects": [g.word()]}}).encode()
    expiry = json.dumps({"nbf": 1_700_000_000 + g.int(0, 10**7), "exp": 1_800_000_000}).encode()
    macaroon = (
        bytes([2]) + field(1, b"pypi.org") + field(2, identifier) + b"\x00"
        + field(2, caveat) + b"\x00" + field(2, expiry) + b"\x00" + b"\x00"
        + field(6, g.bytes(32))
    )
    return Item("PYPI_API_TOKEN", "pypi-" + b64url(macaroon), True, CODE, "pypi")


def rubygems(g: Rng) -> Item:
    return Item("GEM_HOST_API_KEY", "rubygems_" + g.hex(48), True, CODE, "rubygems")


def dockerhub(g: Rng) -> Item:
    return Item("DOCKERHUB_TOKEN", "dckr_pat_" + g.chars(B64URL, 27), True, CODE, "dockerhub")


def circleci(g: Rng) -> Item:
    return Item("CIRCLECI_TOKEN", "CCIPAT_" + g.chars(ALNUM, 22) + "_" + g.hex(40), True, CODE, "circleci")


def buildkite(g: Rng) -> Item:
    return Item("BUILDKITE_API_TOKEN", "bkua_" + g.hex(40), True, CODE, "buildkite")


def vault(g: Rng) -> Item:
    return Item("VAULT_TOKEN", "hvs." + g.chars(B64URL, 24 + g.int(0, 70)), True, CODE, "vault")


def doppler(g: Rng) -> Item:
    return Item("DOPPLER_TOKEN", f"dp.st.{g.pick(['prd', 'dev', 'stg'])}." + g.chars(ALNUM, 43), True, CODE, "doppler")


def terraform_cloud(g: Rng) -> Item:
    return Item("TFE_TOKEN", g.chars(ALNUM, 14) + ".atlasv1." + g.chars(ALNUM, 67), True, CODE, "terraform-cloud")


def stripe(g: Rng) -> Item:
    kind = g.pick(["sk_live_", "sk_live_", "rk_live_"])
    body = ("51" + g.chars(ALNUM, 97)) if g.chance(0.7) else g.chars(ALNUM, 24)
    return Item("STRIPE_SECRET_KEY", kind + body, True, PAYMENTS, "stripe")


def stripe_webhook(g: Rng) -> Item:
    return Item("STRIPE_WEBHOOK_SECRET", "whsec_" + g.chars(ALNUM, 32), True, PAYMENTS, "stripe")


def square(g: Rng) -> Item:
    return Item("SQUARE_ACCESS_TOKEN", "EAAA" + g.chars(B64URL, 60), True, PAYMENTS, "square")


def braintree(g: Rng) -> Item:
    return Item("BRAINTREE_ACCESS_TOKEN", f"access_token$production${g.chars(LOWER + DIGITS, 16)}${g.hex(32)}", True, PAYMENTS, "braintree")


def paypal(g: Rng) -> Item:
    return Item("PAYPAL_CLIENT_SECRET", g.chars(B64URL, 80), True, PAYMENTS, "paypal")


def shopify(g: Rng) -> Item:
    return Item("SHOPIFY_ACCESS_TOKEN", g.pick(["shpat_", "shpss_"]) + g.hex(32), True, PAYMENTS, "shopify")


def slack(g: Rng) -> Item:
    if g.chance(0.6):
        value = f"xoxb-{g.chars(DIGITS, 12)}-{g.chars(DIGITS, 13)}-{g.chars(ALNUM, 24)}"
        return Item("SLACK_BOT_TOKEN", value, True, MESSAGING, "slack")
    value = f"xoxp-{g.chars(DIGITS, 12)}-{g.chars(DIGITS, 12)}-{g.chars(DIGITS, 13)}-{g.hex(32)}"
    return Item("SLACK_USER_TOKEN", value, True, MESSAGING, "slack")


def slack_webhook(g: Rng) -> Item:
    value = f"https://hooks.slack.com/services/T{g.chars(UPPER + DIGITS, 10)}/B{g.chars(UPPER + DIGITS, 10)}/{g.chars(ALNUM, 24)}"
    return Item("SLACK_WEBHOOK_URL", value, True, MESSAGING, "slack")


def discord_bot(g: Rng) -> Item:
    snowflake = str(g.int(10**17, 10**18 * 2))
    value = b64url(snowflake.encode()) + "." + g.chars(B64URL, 6) + "." + g.chars(B64URL, 38)
    return Item("DISCORD_BOT_TOKEN", value, True, MESSAGING, "discord")


def discord_webhook(g: Rng) -> Item:
    value = f"https://discord.com/api/webhooks/{g.int(10**17, 10**18 * 2)}/{g.chars(B64URL, 68)}"
    return Item("DISCORD_WEBHOOK_URL", value, True, MESSAGING, "discord")


def telegram(g: Rng) -> Item:
    return Item("TELEGRAM_BOT_TOKEN", f"{g.int(10**8, 10**10 - 1)}:AA{g.chars(B64URL, 33)}", True, MESSAGING, "telegram")


def twilio(g: Rng) -> Item:
    return Item("TWILIO_AUTH_TOKEN", g.hex(32), True, MESSAGING, "twilio")


def sendgrid(g: Rng) -> Item:
    return Item("SENDGRID_API_KEY", "SG." + g.chars(B64URL, 22) + "." + g.chars(B64URL, 43), True, MESSAGING, "sendgrid")


def mailgun(g: Rng) -> Item:
    return Item("MAILGUN_API_KEY", "key-" + g.hex(32), True, MESSAGING, "mailgun")


def mailchimp(g: Rng) -> Item:
    return Item("MAILCHIMP_API_KEY", f"{g.hex(32)}-us{g.int(1, 21)}", True, MESSAGING, "mailchimp")


def postmark(g: Rng) -> Item:
    return Item("POSTMARK_SERVER_TOKEN", g.uuid4(), True, MESSAGING, "postmark")


def datadog(g: Rng) -> Item:
    return Item("DD_API_KEY", g.hex(32), True, SAAS, "datadog")


def newrelic(g: Rng) -> Item:
    return Item("NEW_RELIC_API_KEY", "NRAK-" + g.chars(UPPER + DIGITS, 27), True, SAAS, "newrelic")


def sentry(g: Rng) -> Item:
    return Item("SENTRY_AUTH_TOKEN", "sntryu_" + g.hex(64), True, SAAS, "sentry")


def grafana(g: Rng) -> Item:
    key = "glsa_" + g.chars(ALNUM, 32)
    checksum = zlib.crc32(key.encode()).to_bytes(4, "little").hex()
    return Item("GRAFANA_SERVICE_ACCOUNT_TOKEN", f"{key}_{checksum}", True, SAAS, "grafana")


def notion(g: Rng) -> Item:
    return Item("NOTION_TOKEN", "ntn_" + g.chars(DIGITS, 11) + g.chars(ALNUM, 35), True, SAAS, "notion")


def linear(g: Rng) -> Item:
    return Item("LINEAR_API_KEY", "lin_api_" + g.chars(ALNUM, 40), True, SAAS, "linear")


def airtable(g: Rng) -> Item:
    return Item("AIRTABLE_API_KEY", "pat" + g.chars(ALNUM, 14) + "." + g.hex(64), True, SAAS, "airtable")


def hubspot(g: Rng) -> Item:
    return Item("HUBSPOT_ACCESS_TOKEN", f"pat-{g.pick(['na1', 'eu1'])}-{g.uuid4()}", True, SAAS, "hubspot")


def okta(g: Rng) -> Item:
    return Item("OKTA_API_TOKEN", "00" + g.chars(B64URL, 40), True, SAAS, "okta")


def auth0(g: Rng) -> Item:
    return Item("AUTH0_CLIENT_SECRET", g.chars(B64URL, 64), True, SAAS, "auth0")


def pulumi(g: Rng) -> Item:
    return Item("PULUMI_ACCESS_TOKEN", "pul-" + g.hex(40), True, SAAS, "pulumi")


def databricks(g: Rng) -> Item:
    return Item("DATABRICKS_TOKEN", "dapi" + g.hex(32), True, SAAS, "databricks")


def supabase_pat(g: Rng) -> Item:
    return Item("SUPABASE_ACCESS_TOKEN", "sbp_" + g.hex(40), True, SAAS, "supabase")


def atlassian(g: Rng) -> Item:
    body = g.chars(B64URL, 180)
    return Item("JIRA_API_TOKEN", f"ATATT3xFfGF0{body}={g.chars('0123456789ABCDEF', 8)}", True, SAAS, "atlassian")


def database_url(g: Rng) -> Item:
    user, pw, host, db = g.user(), g.chars(ALNUM + "_-", g.int(16, 28)), g.host(), g.word()
    value = g.pick([
        f"postgres://{user}:{pw}@{host}:5432/{db}",
        f"postgresql://{user}:{pw}@{host}/{db}?sslmode=require",
        f"mysql://{user}:{pw}@{host}:3306/{db}",
        f"mongodb+srv://{user}:{pw}@cluster0.{g.chars(LOWER + DIGITS, 5)}.mongodb.net/{db}?retryWrites=true&w=majority",
        f"redis://default:{pw}@{host}:6379/0",
        f"amqps://{user}:{pw}@{host}:5671/{db}",
    ])
    return Item("DATABASE_URL", value, True, DATABASE, "connection-url")


def jdbc(g: Rng) -> Item:
    value = f"jdbc:postgresql://{g.host()}:5432/{g.word()}?user={g.user()}&password={g.chars(ALNUM, 18)}&ssl=true"
    return Item("SPRING_DATASOURCE_URL", value, True, DATABASE, "jdbc")


def ado(g: Rng) -> Item:
    value = f"Server=tcp:{g.word()}-sql.database.windows.net,1433;Initial Catalog={g.word()};User ID={g.user()};Password={g.password()};Encrypt=True;"
    return Item("CONNECTION_STRING", value, True, DATABASE, "ado-net")


def jwt_token(g: Rng) -> Item:
    header = {"alg": g.pick(["HS256", "RS256"]), "typ": "JWT"}
    payload = {
        "sub": g.uuid4(),
        "iss": f"https://auth.{g.domain()}/",
        "aud": f"{g.word()}-api",
        "scope": " ".join(f"{g.word()}:{g.pick(['read', 'write'])}" for _ in range(g.int(1, 3))),
        "iat": 1_700_000_000 + g.int(0, 10**7),
        "exp": 1_800_000_000 + g.int(0, 10**7),
    }
    sig_len = 32 if header["alg"] == "HS256" else 256
    value = ".".join([b64url(json.dumps(header, separators=(",", ":")).encode()),
                      b64url(json.dumps(payload, separators=(",", ":")).encode()),
                      b64url(g.bytes(sig_len))])
    return Item("API_TOKEN", value, True, JWT, "jwt")


def supabase_service_role(g: Rng) -> Item:
    payload = {"iss": "supabase", "ref": g.chars(LOWER, 20), "role": "service_role",
               "iat": 1_700_000_000 + g.int(0, 10**7), "exp": 2_000_000_000}
    value = ".".join([b64url(b'{"alg":"HS256","typ":"JWT"}'),
                      b64url(json.dumps(payload, separators=(",", ":")).encode()), b64url(g.bytes(32))])
    return Item("SUPABASE_SERVICE_ROLE_KEY", value, True, JWT, "supabase-service-role")


def generic_password(g: Rng) -> Item:
    name = g.pick(["DB_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_PASSWORD", "REDIS_PASSWORD", "SMTP_PASSWORD",
                   "LDAP_BIND_PASSWORD", "ADMIN_PASSWORD", "RABBITMQ_DEFAULT_PASS", "KEYSTORE_PASSWORD", "DB_PASS",
                   "MYSQL_PWD", "SMTP_PASS", "BASIC_AUTH_PASSWORD"])
    return Item(name, g.password(), True, GENERIC, "password")


def generic_secret(g: Rng) -> Item:
    name, value = g.pick([
        ("SECRET_KEY", lambda: g.chars(LOWER + DIGITS + "!@#%^&*(-_=+)", 50)),  # Django
        ("SECRET_KEY_BASE", lambda: g.hex(128)),  # Rails
        ("JWT_SECRET", lambda: g.chars(ALNUM, g.int(32, 64))),
        ("SESSION_SECRET", lambda: g.hex(64)),
        ("APP_KEY", lambda: "base64:" + base64.b64encode(g.bytes(32)).decode()),  # Laravel
        ("ENCRYPTION_KEY", lambda: base64.b64encode(g.bytes(32)).decode()),
        ("WEBHOOK_SECRET", lambda: g.chars(ALNUM, 40)),
        ("CLIENT_SECRET", lambda: g.chars(B64URL, 40)),
        ("API_KEY", lambda: g.chars(ALNUM, 32)),
        ("PARTNER_API_TOKEN", lambda: g.hex(40)),
        ("SIGNING_KEY", lambda: g.hex(64)),
    ])
    return Item(name, value(), True, GENERIC, "secret")


def private_key(g: Rng) -> Item:
    kind = g.int(0, 3)
    if kind <= 1:
        pem = rsa_private_key_pem(_RngAdapter(g), 2048 if g.chance(0.5) else 1024, pkcs8=kind == 1).strip()
    elif kind == 2:
        pem = ec_private_key_pem(g)
    else:
        pem = openssh_private_key(g)
    return Item("PRIVATE_KEY", pem, True, PRIVATE_KEY, "private-key")


class _RngAdapter:
    """make_corpus.rsa_private_key_pem reads `g.rng`."""

    def __init__(self, g: Rng) -> None:
        self.rng = g.r


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


def ec_private_key_pem(g: Rng) -> str:
    """SEC 1 EC private key on P-256 (the public point is random bytes: no scanner checks the curve)."""
    der = _der(0x30, _der(0x02, b"\x01") + _der(0x04, g.bytes(32))
               + _der(0xA0, _der(0x06, bytes.fromhex("2a8648ce3d030107")))
               + _der(0xA1, _der(0x03, b"\x00\x04" + g.bytes(64))))
    return _pem("EC PRIVATE KEY", der)


def openssh_private_key(g: Rng) -> str:
    def string(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    public = string(b"ssh-ed25519") + string(g.bytes(32))
    check = g.bytes(4)
    private = check + check + public + string(g.bytes(64)) + string(f"{g.user()}@{g.word()}".encode())
    private += bytes(range(1, 1 + (-len(private)) % 8))
    blob = (b"openssh-key-v1\x00" + string(b"none") + string(b"none") + string(b"")
            + (1).to_bytes(4, "big") + string(public) + string(private))
    body = base64.b64encode(blob).decode()
    lines = "\n".join(body[i:i + 70] for i in range(0, len(body), 70))
    return f"-----BEGIN OPENSSH PRIVATE KEY-----\n{lines}\n-----END OPENSSH PRIVATE KEY-----"


# Providers whose secret is a single value assigned to a name, weighted by
# how often each kind leaks (generic passwords and keys, cloud, AI and
# database credentials most).
KV_SECRETS = [
    (aws_session_token, 1), (azure_storage_connection_string, 2), (azure_client_secret, 2), (digitalocean, 2),
    (alibaba, 1), (cloudflare, 2), (heroku, 2), (netlify, 1), (flyio, 1),
    (openai, 6), (anthropic, 4), (huggingface, 2), (groq, 2), (replicate, 1), (perplexity, 1), (xai, 1),
    (openrouter, 2), (mistral, 2), (cohere, 2), (deepseek, 1), (together, 1), (gemini, 3),
    (github, 6), (github_fine_grained, 2), (gitlab, 3), (npm, 2), (pypi, 2), (rubygems, 1), (dockerhub, 2),
    (circleci, 1), (buildkite, 1), (vault, 2), (doppler, 1), (terraform_cloud, 1),
    (stripe, 6), (stripe_webhook, 2), (square, 2), (braintree, 1), (paypal, 2), (shopify, 2),
    (slack, 4), (slack_webhook, 3), (discord_bot, 2), (discord_webhook, 2), (telegram, 2), (twilio, 2),
    (sendgrid, 3), (mailgun, 2), (mailchimp, 2), (postmark, 1),
    (datadog, 2), (newrelic, 2), (sentry, 2), (grafana, 1), (notion, 1), (linear, 1), (airtable, 1),
    (hubspot, 1), (okta, 1), (auth0, 2), (pulumi, 1), (databricks, 1), (supabase_pat, 1), (atlassian, 1),
    (database_url, 10), (jdbc, 2), (ado, 2),
    (jwt_token, 5), (supabase_service_role, 2),
    (generic_password, 16), (generic_secret, 14),
]


# ---------------------------------------------------------------- decoys


def placeholder(g: Rng) -> Item:
    """A value left for someone to fill in."""
    name, category, value = g.pick([
        ("OPENAI_API_KEY", AI, "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("OPENAI_API_KEY", AI, "sk-..."),
        ("OPENAI_API_KEY", AI, "your-openai-api-key"),
        ("ANTHROPIC_API_KEY", AI, "sk-ant-api03-..."),
        ("ANTHROPIC_API_KEY", AI, "<your-anthropic-key>"),
        ("STRIPE_SECRET_KEY", PAYMENTS, "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"),
        ("STRIPE_SECRET_KEY", PAYMENTS, "sk_test_your_key_here"),
        ("GITHUB_TOKEN", CODE, "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("GITHUB_TOKEN", CODE, "<YOUR_GITHUB_TOKEN>"),
        ("AWS_SECRET_ACCESS_KEY", CLOUD, "YOUR_SECRET_ACCESS_KEY"),
        ("AWS_ACCESS_KEY_ID", CLOUD, "AKIAXXXXXXXXXXXXXXXX"),
        ("SLACK_BOT_TOKEN", MESSAGING, "xoxb-your-bot-token"),
        ("SENDGRID_API_KEY", MESSAGING, "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("DB_PASSWORD", GENERIC, "changeme"),
        ("DB_PASSWORD", GENERIC, "CHANGE_ME"),
        ("DB_PASSWORD", GENERIC, "********"),
        ("ADMIN_PASSWORD", GENERIC, "replace-with-a-strong-password"),
        ("JWT_SECRET", GENERIC, "change-this-to-a-long-random-string"),
        ("SECRET_KEY", GENERIC, "insert-your-secret-key-here"),
        ("API_KEY", GENERIC, "<api-key>"),
        ("API_KEY", GENERIC, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("DATABASE_URL", DATABASE, "postgres://user:password@localhost:5432/app"),
        ("DATABASE_URL", DATABASE, "postgres://<user>:<password>@<host>:5432/<db>"),
        ("MONGO_URI", DATABASE, "mongodb+srv://<username>:<password>@cluster0.mongodb.net/test"),
        ("DATADOG_API_KEY", SAAS, "<DATADOG_API_KEY>"),
        ("CLIENT_SECRET", GENERIC, "your_client_secret"),
    ])
    return Item(name, value, False, category, PLACEHOLDER)


def reference(g: Rng) -> Item:
    """A value read from elsewhere: the environment, a template, a secret store."""
    name = g.pick(["STRIPE_SECRET_KEY", "DB_PASSWORD", "GITHUB_TOKEN", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY",
                   "JWT_SECRET", "SLACK_BOT_TOKEN", "API_KEY", "DATABASE_URL"])
    category = {"STRIPE_SECRET_KEY": PAYMENTS, "GITHUB_TOKEN": CODE, "OPENAI_API_KEY": AI,
                "AWS_SECRET_ACCESS_KEY": CLOUD, "SLACK_BOT_TOKEN": MESSAGING, "DATABASE_URL": DATABASE}.get(name, GENERIC)
    value = g.pick([f"${{{name}}}", f"${{{{ secrets.{name} }}}}", f"{{{{ .Values.{name.lower()} }}}}",
                    f"${name}", f"arn:aws:secretsmanager:us-east-1:{g.chars(DIGITS, 12)}:secret:{name.lower()}-{g.chars(ALNUM, 6)}",
                    f"op://{g.word()}/{name.lower()}/credential", f"vault:secret/data/{g.word()}#{name.lower()}"])
    return Item(name, value, False, category, REFERENCE)


def test_key(g: Rng) -> Item:
    """Keys that tests and tutorials use on purpose."""
    name, category, value = g.pick([
        ("STRIPE_SECRET_KEY", PAYMENTS, "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),  # Stripe's docs
        ("STRIPE_SECRET_KEY", PAYMENTS, "sk_test_BQokikJOvBiI2HlWgH4olfQ2"),  # Stripe's older docs
        ("AWS_ACCESS_KEY_ID", CLOUD, "AKIAIOSFODNN7EXAMPLE"),  # AWS docs
        ("AWS_SECRET_ACCESS_KEY", CLOUD, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("MAILGUN_API_KEY", MESSAGING, "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"),  # Mailgun docs
        ("SLACK_BOT_TOKEN", MESSAGING, "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"),  # Slack docs
        ("API_KEY", GENERIC, "test-api-key"),
        ("API_KEY", GENERIC, "dummy_api_key_for_tests"),
        ("AUTH_TOKEN", GENERIC, "fake-token-123"),
        ("PASSWORD", GENERIC, "test-password"),
        ("JWT_SECRET", GENERIC, "not-a-real-secret"),
        ("CLIENT_SECRET", GENERIC, "mock_client_secret"),
        ("GITHUB_TOKEN", CODE, "ghp_" + "0" * 36),
        ("ACCESS_TOKEN", JWT, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),  # jwt.io
    ])
    return Item(name, value, False, category, TEST_KEY)


def hash_value(g: Rng) -> Item:
    """Digests and commit ids under the names they carry."""
    name, value = g.pick([
        ("SHA256", g.hex(64)), ("CHECKSUM", g.hex(64)), ("FILE_SHA1", g.hex(40)), ("ETAG", g.hex(32)),
        ("GIT_COMMIT", g.hex(40)), ("COMMIT_SHA", g.hex(40)), ("BUILD_REVISION", g.hex(40)),
        ("CONTENT_MD5", base64.b64encode(g.bytes(16)).decode()), ("IMAGE_DIGEST", "sha256:" + g.hex(64)),
        ("TOKEN_SHA256", g.hex(64)), ("PASSWORD_HASH", "$2b$12$" + g.chars(B64.replace("+", "."), 53)),
        ("CERT_FINGERPRINT", ":".join(g.hex(2).upper() for _ in range(32))),
    ])
    return Item(name, value, False, GENERIC, HASH)


def uuid_value(g: Rng) -> Item:
    name = g.pick(["TENANT_ID", "AZURE_CLIENT_ID", "SUBSCRIPTION_ID", "REQUEST_ID", "TRACE_ID", "ORG_ID",
                   "PROJECT_ID", "INSTALLATION_ID", "CORRELATION_ID", "WORKSPACE_ID"])
    value = g.uuid4() if g.chance(0.6) else g.uuid1()
    return Item(name, value, False, GENERIC, UUID)


def public_value(g: Rng) -> Item:
    """Keys that are public by design."""
    name, category, value = g.pick([
        ("STRIPE_PUBLISHABLE_KEY", PAYMENTS, "pk_live_51" + g.chars(ALNUM, 97)),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", PAYMENTS, "pk_test_51" + g.chars(ALNUM, 97)),
        ("MAPBOX_ACCESS_TOKEN", SAAS, "pk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6I" + g.chars(ALNUM, 22) + "." + g.chars(B64URL, 22)),
        ("NEXT_PUBLIC_SUPABASE_ANON_KEY", JWT, supabase_anon(g)),
        ("SENTRY_DSN", SAAS, f"https://{g.hex(32)}@o{g.int(10**5, 10**6)}.ingest.sentry.io/{g.int(10**6, 10**7)}"),
        ("RECAPTCHA_SITE_KEY", SAAS, "6L" + g.chars(B64URL, 38)),
        ("GA_MEASUREMENT_ID", SAAS, "G-" + g.chars(UPPER + DIGITS, 10)),
        ("ALGOLIA_SEARCH_KEY", SAAS, g.hex(32)),
        ("CLERK_PUBLISHABLE_KEY", SAAS, "pk_live_" + b64url(f"clerk.{g.domain()}$".encode())),
    ])
    return Item(name, value, False, category, PUBLIC)


def supabase_anon(g: Rng) -> str:
    payload = {"iss": "supabase", "ref": g.chars(LOWER, 20), "role": "anon", "iat": 1_700_000_000, "exp": 2_000_000_000}
    return ".".join([b64url(b'{"alg":"HS256","typ":"JWT"}'),
                     b64url(json.dumps(payload, separators=(",", ":")).encode()), b64url(g.bytes(32))])


def identifier(g: Rng) -> Item:
    """Identifiers that look random but grant nothing."""
    name, category, value = g.pick([
        ("STRIPE_CUSTOMER_ID", PAYMENTS, "cus_" + g.chars(ALNUM, 14)),
        ("STRIPE_PRICE_ID", PAYMENTS, "price_1" + g.chars(ALNUM, 23)),
        ("TWILIO_ACCOUNT_SID", MESSAGING, "AC" + g.hex(32)),
        ("SLACK_CHANNEL_ID", MESSAGING, "C0" + g.chars(UPPER + DIGITS, 9)),
        ("MONGO_OBJECT_ID", DATABASE, g.hex(24)),
        ("GOOGLE_CLIENT_ID", CLOUD, f"{g.chars(DIGITS, 12)}-{g.chars(LOWER + DIGITS, 32)}.apps.googleusercontent.com"),
        ("AWS_ROLE_ARN", CLOUD, f"arn:aws:iam::{g.chars(DIGITS, 12)}:role/{g.word()}-deployer"),
        ("CLOUDFRONT_DISTRIBUTION_ID", CLOUD, "E" + g.chars(UPPER + DIGITS, 13)),
        ("GITHUB_APP_ID", CODE, str(g.int(100000, 999999))),
        ("GITHUB_CLIENT_ID", CODE, "Iv1." + g.hex(16)),
        ("ALGOLIA_APP_ID", SAAS, g.chars(UPPER + DIGITS, 10)),
        ("BUILD_ID", GENERIC, f"{g.word()}-{g.hex(8)}-{g.int(1000, 9999)}"),
        ("CACHE_KEY", GENERIC, f"v2-{g.word()}-{g.hex(40)}"),
        ("IDEMPOTENCY_KEY", GENERIC, g.chars(ALNUM, 24)),
        ("WALLET_ADDRESS", GENERIC, "0x" + g.chars("0123456789abcdefABCDEF", 40)),
        ("TOKEN_TYPE", GENERIC, "Bearer"),
        ("TOKEN_ENDPOINT", GENERIC, f"https://auth.{g.domain()}/oauth/token"),
        ("PASSWORD_MIN_LENGTH", GENERIC, "12"),
        ("SECRET_NAME", GENERIC, f"{g.word()}-{g.word()}-credentials"),
        ("TOKEN_CACHE_PREFIX", GENERIC, f"{g.word()}TokenCache{g.int(1, 9)}"),
    ])
    return Item(name, value, False, category, IDENTIFIER)


def encrypted_value(g: Rng) -> Item:
    """Values encrypted for committing: SOPS, Sealed Secrets, Rails credentials, Jasypt."""
    name, value = g.pick([
        ("DB_PASSWORD", f"ENC[AES256_GCM,data:{base64.b64encode(g.bytes(18)).decode()},iv:{base64.b64encode(g.bytes(32)).decode()},tag:{base64.b64encode(g.bytes(16)).decode()},type:str]"),
        ("API_KEY", f"ENC({base64.b64encode(g.bytes(48)).decode()})"),
        ("PASSWORD", "AgB" + base64.b64encode(g.bytes(g.int(380, 420))).decode()),
    ])
    return Item(name, value, False, GENERIC, ENCRYPTED)


KV_DECOYS = [
    (placeholder, 12), (reference, 8), (test_key, 5), (hash_value, 8), (uuid_value, 6),
    (public_value, 7), (identifier, 12), (encrypted_value, 2),
]


def weighted(g: Rng, table):
    total = sum(w for _, w in table)
    x = g.int(1, total)
    for f, w in table:
        x -= w
        if x <= 0:
            return f
    return table[-1][0]


def sha512_integrity(g: Rng) -> str:
    return "sha512-" + base64.b64encode(g.bytes(64)).decode()


def png_base64(g: Rng, size: int) -> str:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + g.int(16, 512).to_bytes(4, "big") + g.int(16, 512).to_bytes(4, "big") + b"\x08\x06\x00\x00\x00"
    data = header + g.bytes(size)
    return base64.b64encode(data).decode()


def certificate_pem(g: Rng) -> str:
    """A certificate-shaped block (random body): public, not a secret."""
    der = _der(0x30, _der(0x30, _der(0xA0, _der(0x02, b"\x02")) + _der(0x02, g.bytes(16)) + g.bytes(g.int(600, 900))) + g.bytes(270))
    return _pem("CERTIFICATE", der)


def public_key_pem(g: Rng) -> str:
    der = _der(0x30, _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00") + _der(0x03, b"\x00" + g.bytes(270)))
    return _pem("PUBLIC KEY", der)


def ssh_public_key(g: Rng) -> str:
    def string(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    if g.chance(0.5):
        blob = string(b"ssh-ed25519") + string(g.bytes(32))
        return f"ssh-ed25519 {base64.b64encode(blob).decode()} {g.pick(FIRST)}@{g.word()}"
    blob = string(b"ssh-rsa") + string(b"\x01\x00\x01") + string(b"\x00" + g.bytes(256))
    return f"ssh-rsa {base64.b64encode(blob).decode()} {g.pick(FIRST)}@{g.word()}"


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()
