"""LTI 1.3: Sourcequiz as a tool that an LMS (the platform) launches.

The flow (IMS Security Framework 1.0 and LTI Core 1.3):

1. **Login initiation** (`login_request`): the platform sends `iss`, `login_hint`,
   `lti_message_hint`, `client_id`; the tool answers with a redirect to the platform's
   registered authorisation URL carrying a fresh `state` (also kept in a cookie by the
   HTTP layer, with the nonce) and `nonce`.
2. **Launch** (`validate_id_token`): the platform posts back an `id_token`, a JWT it signed.
   It is accepted only if its signature verifies against the platform's key set (fetched
   from its JWKS URL), its `iss` is a registered platform, its `aud` is that registration's
   client id, it has not expired and was not issued in the future, its `nonce` is the one
   this browser's state was issued with and has never been used before (nonces are stored
   until the token expires), and its deployment is registered. Each refusal says which.
3. **Sign-in** (`sign_in`): the platform's user (`iss`, `sub`) is found or created as a
   Sourcequiz user (a learner, or a teacher when the launch's roles say instructor), with no
   password of their own. A resource-link launch also makes the course a class, the learner
   a member, and the placed quiz an assignment of that class.
4. **Deep linking** (`deep_linking_response`): an instructor picks one of their quizzes and
   the tool returns a signed `LtiDeepLinkingResponse` with an `ltiResourceLink` content item
   for it (its quiz id in a custom parameter signed by Sourcequiz, so a hand-edited link
   cannot open someone else's quiz) and a line item for its grade.

PyJWT and cryptography do the JOSE work. pylti1p3 (the usual Python LTI library) was
considered and not used: its last release, 2.0.0, dates from November 2022; it keeps launch
state and nonces in the Flask session cookie by default, so a nonce is not refused when it
comes back in another browser; it turns PyJWT's audience check off and takes the first
`aud`; it fetches key sets without a timeout; and its tool configuration is a JSON file or
Django models, so most of it would have been replaced here anyway.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from itsdangerous import BadSignature, Signer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from app.models import (
    Assignment,
    Attempt,
    ClassMembership,
    LtiContext,
    LtiDeployment,
    LtiIdentity,
    LtiNonce,
    LtiPlatform,
    LtiResourceLink,
    LtiToolKey,
    Quiz,
    User,
)
from app.services.accounts import register_user
from app.services.classes import create_class
from app.services.writes import inserted

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
LTI_VERSION = "1.3.0"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
ALGORITHM = "RS256"
# Clock skew allowed between the platform and Sourcequiz when checking exp and iat.
LEEWAY_S = 10
JWKS_TIMEOUT_S = 5
JWKS_CACHE_S = 300
# A deep-linking response is used at once by the browser that carries it.
RESPONSE_LIFETIME = timedelta(minutes=5)
# A nonce whose token claims no expiry (refused anyway) would be kept this long.
NONCE_KEPT = timedelta(hours=1)
# The custom parameters of a placed quiz.
QUIZ_PARAMETER = "sourcequiz_quiz_id"
PLACEMENT_PARAMETER = "sourcequiz_placement"
# The lineItem of a placed quiz: grades go back in percent, under the quiz's grading method.
SCORE_MAXIMUM = 100
# Roles (full URIs, or the short forms LTI 1.3 still allows) that make a launch a teacher's.
INSTRUCTOR_ROLES = frozenset(
    {
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
        "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
        "Instructor",
        "Administrator",
        "ContentDeveloper",
    }
)
# Accounts made for platform users sign in only through their platform.
LTI_EMAIL_DOMAIN = "lti.sourcequiz.invalid"


class LtiBadRequest(DomainError):
    """The request is not an LTI message Sourcequiz can read (a parameter is missing)."""

    status = 400
    slug = "lti-bad-request"


class LtiRefused(DomainError):
    """The launch does not prove who sends it: refused, with the reason."""

    status = 401
    slug = "lti-launch-refused"


# --- registrations ----------------------------------------------------------------------------


def _check_url(name: str, value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LtiBadRequest(f"{name} must be an http:// or https:// URL, not {value!r}.")
    return value


def add_platform(
    session: Session,
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: Sequence[str],
    auth_audience: str | None = None,
) -> tuple[LtiPlatform, bool]:
    """Register a platform, or update the registration of this issuer and client id (its
    URLs; deployments are added to those it has): (the platform, whether it is new)."""
    if not client_id.strip():
        raise LtiBadRequest("client_id must not be blank.")
    values = {
        "auth_login_url": _check_url("auth_login_url", auth_login_url),
        "auth_token_url": _check_url("auth_token_url", auth_token_url),
        "key_set_url": _check_url("key_set_url", key_set_url),
        "auth_audience": auth_audience.strip() if auth_audience else None,
    }
    issuer = issuer.strip()
    if not issuer:
        raise LtiBadRequest("issuer must not be blank.")
    platform = session.scalar(
        select(LtiPlatform).where(
            LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id.strip()
        )
    )
    created = platform is None
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id.strip(), **values)
        session.add(platform)
    else:
        for name, value in values.items():
            setattr(platform, name, value)
    session.flush()
    known = set(
        session.scalars(
            select(LtiDeployment.deployment_id).where(LtiDeployment.platform_id == platform.id)
        )
    )
    for deployment_id in dict.fromkeys(d.strip() for d in deployment_ids if d.strip()):
        if deployment_id not in known:
            session.add(LtiDeployment(platform_id=platform.id, deployment_id=deployment_id))
    session.flush()
    return platform, created


@dataclass(frozen=True)
class PlatformListing:
    platform: LtiPlatform
    deployment_ids: tuple[str, ...]


def list_platforms(session: Session) -> list[PlatformListing]:
    platforms = list(session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)))
    deployments: dict[int, list[str]] = {}
    for platform_id, deployment_id in session.execute(
        select(LtiDeployment.platform_id, LtiDeployment.deployment_id).order_by(
            LtiDeployment.deployment_id
        )
    ):
        deployments.setdefault(platform_id, []).append(deployment_id)
    return [PlatformListing(p, tuple(deployments.get(p.id, ()))) for p in platforms]


def remove_platform(session: Session, platform_id: int) -> LtiPlatform:
    """Remove a registration with its deployments, identities, courses' links and unsent
    scores (the users, classes and quizzes stay)."""
    platform = session.get(LtiPlatform, platform_id)
    if platform is None:
        raise NotFoundError(f"No platform {platform_id} is registered.")
    session.delete(platform)
    session.flush()
    return platform


# --- the tool's keys --------------------------------------------------------------------------


def current_tool_key(session: Session) -> LtiToolKey | None:
    """The key that signs: the newest."""
    return session.scalar(select(LtiToolKey).order_by(LtiToolKey.id.desc()).limit(1))


def new_tool_key(session: Session) -> LtiToolKey:
    """A new RSA key pair, which signs from now on (older ones stay in the JWKS, so what they
    signed still verifies, until removed)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    key = LtiToolKey(kid=secrets.token_urlsafe(16), private_key_pem=pem)
    session.add(key)
    session.flush()
    return key


def ensure_tool_key(session: Session) -> LtiToolKey:
    return current_tool_key(session) or new_tool_key(session)


def _public_jwk(key: LtiToolKey) -> dict[str, Any]:
    private = serialization.load_pem_private_key(key.private_key_pem.encode("ascii"), None)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)  # type: ignore[arg-type]
    return {**jwk, "kid": key.kid, "alg": ALGORITHM, "use": "sig"}


def tool_jwks(session: Session) -> dict[str, Any]:
    """The tool's public keys, as the JWKS platforms verify its messages with."""
    keys = session.scalars(select(LtiToolKey).order_by(LtiToolKey.id.desc()))
    return {"keys": [_public_jwk(key) for key in keys]}


def sign_with_tool_key(session: Session, claims: dict[str, Any]) -> str:
    key = current_tool_key(session)
    if key is None:
        raise ConflictError(
            "The tool has no signing key yet: run `flask lti key new` (docs/deployment.md)."
        )
    return jwt.encode(claims, key.private_key_pem, algorithm=ALGORITHM, headers={"kid": key.kid})


# --- login initiation -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginRedirect:
    url: str
    state: str
    nonce: str
    platform_id: int


def _platform_for(session: Session, issuer: str, client_id: str | None) -> LtiPlatform:
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer).order_by(LtiPlatform.id)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    platform = session.scalars(query.limit(1)).first()
    if platform is None:
        which = f"issuer {issuer!r}" + (f" with client_id {client_id!r}" if client_id else "")
        raise LtiRefused(f"Unknown platform: no registration for {which}.")
    return platform


def login_request(session: Session, params: Mapping[str, str], launch_url: str) -> LoginRedirect:
    """The redirect that answers a platform's third-party login initiation."""
    missing = [name for name in ("iss", "login_hint", "target_link_uri") if not params.get(name)]
    if missing:
        raise LtiBadRequest(
            f"Login initiation without {', '.join(missing)}: this is for an LTI platform."
        )
    platform = _platform_for(session, params["iss"], params.get("client_id"))
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url,
        "login_hint": params["login_hint"],
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginRedirect(
        platform.auth_login_url + separator + urlencode(query), state, nonce, platform.id
    )


# --- launch -----------------------------------------------------------------------------------

_jwks_clients: dict[str, jwt.PyJWKClient] = {}
_jwks_lock = threading.Lock()


def _jwks_client(url: str) -> jwt.PyJWKClient:
    """One key-set client per URL and process: it caches the set for JWKS_CACHE_S and fetches
    it again when a token names a key it does not hold (the platform rotated)."""
    with _jwks_lock:
        client = _jwks_clients.get(url)
        if client is None:
            client = jwt.PyJWKClient(
                url, cache_keys=False, lifespan=JWKS_CACHE_S, timeout=JWKS_TIMEOUT_S
            )
            _jwks_clients[url] = client
        return client


@dataclass(frozen=True)
class Launch:
    """A validated launch: its registration and the id_token's claims."""

    platform: LtiPlatform
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return str(self.claims.get(CLAIM + "message_type", ""))

    @property
    def deployment_id(self) -> str:
        return str(self.claims.get(CLAIM + "deployment_id", ""))

    @property
    def roles(self) -> list[str]:
        roles = self.claims.get(CLAIM + "roles") or []
        return [str(r) for r in roles] if isinstance(roles, list) else []

    @property
    def is_instructor(self) -> bool:
        return any(role in INSTRUCTOR_ROLES for role in self.roles)


def _unverified(id_token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.DecodeError:
        raise LtiRefused("The id_token is not a JWT.") from None
    return claims


def _candidate_platform(session: Session, claims: dict[str, Any]) -> LtiPlatform:
    """The registration the token claims to come from: its issuer, and the client id among
    its audience (with several audiences, `azp`). The audience is checked again, with the
    signature, by PyJWT."""
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise LtiRefused("The id_token has no issuer (iss).")
    platforms = list(session.scalars(select(LtiPlatform).where(LtiPlatform.issuer == issuer)))
    if not platforms:
        raise LtiRefused(f"Unknown issuer: no platform {issuer!r} is registered.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    for platform in platforms:
        if platform.client_id in audiences:
            return platform
    return platforms[0]


def validate_id_token(
    session: Session, id_token: str, expected_nonce: str | None, now: datetime
) -> Launch:
    """The launch this id_token proves, or LtiRefused saying why not. Records its nonce as
    used (in the caller's transaction)."""
    if not id_token:
        raise LtiBadRequest("The launch has no id_token.")
    platform = _candidate_platform(session, _unverified(id_token))
    try:
        signing_key = _jwks_client(platform.key_set_url).get_signing_key_from_jwt(id_token)
    except jwt.PyJWKClientConnectionError as error:
        raise LtiRefused(
            f"The platform's key set could not be fetched from {platform.key_set_url}: {error}"
        ) from None
    except jwt.PyJWKClientError as error:
        raise LtiRefused(
            f"No key of the platform's key set can verify the id_token: {error}"
        ) from None
    except jwt.DecodeError as error:
        raise LtiRefused(f"The id_token's header cannot be read: {error}") from None
    try:
        claims = jwt.decode(
            id_token,
            signing_key.key,
            algorithms=[ALGORITHM],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=LEEWAY_S,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.InvalidSignatureError:
        raise LtiRefused(
            "Bad signature: the id_token does not verify against the platform's key set."
        ) from None
    except jwt.ExpiredSignatureError:
        raise LtiRefused("The id_token has expired (exp is past).") from None
    except jwt.InvalidAudienceError:
        raise LtiRefused(
            f"Wrong audience: the id_token is not for client_id {platform.client_id!r}."
        ) from None
    except jwt.ImmatureSignatureError:
        raise LtiRefused("The id_token was issued in the future (iat).") from None
    except jwt.MissingRequiredClaimError as error:
        raise LtiRefused(f"The id_token has no {error.claim!r} claim.") from None
    except jwt.InvalidTokenError as error:
        raise LtiRefused(f"The id_token is invalid: {error}") from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != platform.client_id:
        raise LtiRefused("Wrong audience: several audiences and azp is not this tool's client_id.")
    if claims.get(CLAIM + "version") != LTI_VERSION:
        raise LtiRefused(f"The launch is not LTI {LTI_VERSION}.")
    _use_nonce(session, claims, expected_nonce, now)
    launch = Launch(platform, claims)
    if launch.message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise LtiRefused(f"Sourcequiz does not take {launch.message_type or 'untyped'} messages.")
    deployed = session.get(LtiDeployment, (platform.id, launch.deployment_id))
    if deployed is None:
        raise LtiRefused(
            f"Unknown deployment: {launch.deployment_id!r} is not registered for this platform."
        )
    return launch


def _use_nonce(
    session: Session, claims: dict[str, Any], expected: str | None, now: datetime
) -> None:
    nonce = str(claims["nonce"])
    if expected is None or not secrets.compare_digest(nonce, expected):
        raise LtiRefused("The id_token's nonce is not the one this login was started with.")
    session.execute(delete(LtiNonce).where(LtiNonce.expires_at < now))
    expires = (
        datetime.fromtimestamp(claims["exp"], UTC) + timedelta(seconds=LEEWAY_S)
        if isinstance(claims.get("exp"), int | float)
        else now + NONCE_KEPT
    )
    if not inserted(session, LtiNonce(nonce=nonce[:100], expires_at=max(expires, now))):
        raise LtiRefused("Replayed nonce: this id_token's nonce has been used already.")


# --- who the launch signs in ------------------------------------------------------------------


def _display_name(claims: Mapping[str, Any], role: str) -> str:
    name = claims.get("name") or " ".join(
        str(claims[k]) for k in ("given_name", "family_name") if claims.get(k)
    )
    name = " ".join(str(name).split())[:100]
    return name or ("LMS teacher" if role == "teacher" else "LMS learner")


def user_for_launch(session: Session, launch: Launch) -> User:
    """The Sourcequiz user of the launch's platform user, made on their first launch (a
    teacher if the launch's roles say instructor, else a learner), with no usable password:
    they sign in through the platform."""
    sub = launch.claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise LtiRefused("The launch names no user (sub): anonymous launches are not taken.")
    user = session.scalar(
        select(User)
        .join(LtiIdentity, LtiIdentity.user_id == User.id)
        .where(LtiIdentity.platform_id == launch.platform.id, LtiIdentity.sub == sub)
    )
    if user is not None:
        return user
    role = "teacher" if launch.is_instructor else "learner"
    digest = hashlib.sha256(f"{launch.platform.id}\x00{sub}".encode()).hexdigest()[:32]
    user = register_user(
        session,
        email=f"{digest}@{LTI_EMAIL_DOMAIN}",
        password=secrets.token_urlsafe(32),
        display_name=_display_name(launch.claims, role),
        role=role,
    )
    session.flush()
    session.add(LtiIdentity(platform_id=launch.platform.id, sub=sub, user_id=user.id))
    session.flush()
    return user


def placement_signature(secret_key: str, platform_id: int, quiz_id: int) -> str:
    """What proves that a resource link's quiz id was placed by Sourcequiz's deep linking
    for this platform (the platform signs the launch, but an instructor can edit custom
    parameters)."""
    signer = Signer(secret_key, salt="lti-placement")
    return signer.get_signature(f"{platform_id}:{quiz_id}").decode("ascii")


def _placed_quiz(session: Session, launch: Launch, secret_key: str) -> Quiz:
    custom = launch.claims.get(CLAIM + "custom") or {}
    raw, signature = str(custom.get(QUIZ_PARAMETER, "")), str(custom.get(PLACEMENT_PARAMETER, ""))
    if not raw.isdigit() or len(raw) > 10:
        raise LtiRefused("This link names no Sourcequiz quiz: place one with deep linking.")
    signer = Signer(secret_key, salt="lti-placement")
    try:
        signer.unsign(f"{launch.platform.id}:{raw}.{signature}".encode())
    except BadSignature:
        raise LtiRefused(
            "This link's quiz was not placed by Sourcequiz for this platform."
        ) from None
    quiz = session.get(Quiz, int(raw))
    if quiz is None:
        raise NotFoundError(f"Quiz {raw} no longer exists.")
    return quiz


def _context_class(session: Session, launch: Launch, owner_id: int) -> LtiContext:
    context = launch.claims.get(CLAIM + "context") or {}
    context_id = context.get("id") if isinstance(context, dict) else None
    if not isinstance(context_id, str) or not context_id or len(context_id) > 255:
        raise LtiRefused("A resource-link launch must come from a course (context claim).")
    found = session.scalar(
        select(LtiContext).where(
            LtiContext.platform_id == launch.platform.id, LtiContext.context_id == context_id
        )
    )
    if found is not None:
        return found
    name = " ".join(str(context.get("title") or context.get("label") or "LMS course").split())
    owner = session.get(User, owner_id)
    assert owner is not None
    school_class = create_class(session, owner, name[:120] or "LMS course")
    found = LtiContext(
        platform_id=launch.platform.id, context_id=context_id, class_id=school_class.id
    )
    session.add(found)
    session.flush()
    return found


def _lineitem(claims: Mapping[str, Any]) -> str | None:
    endpoint = claims.get(AGS_CLAIM)
    url = endpoint.get("lineitem") if isinstance(endpoint, dict) else None
    if isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= 1000:
        return url
    return None


@dataclass(frozen=True)
class ResourceLaunch:
    """Where a resource-link launch takes its user: the quiz, and the class it is in."""

    user: User
    quiz: Quiz
    class_id: int
    page: str


def resource_link_launch(
    session: Session, launch: Launch, user: User, secret_key: str
) -> ResourceLaunch:
    """The course as a class, the quiz assigned to it, the learner a member, the line item
    kept for grades; and the page to land on."""
    link_id = (launch.claims.get(CLAIM + "resource_link") or {}).get("id")
    if not isinstance(link_id, str) or not link_id or len(link_id) > 255:
        raise LtiRefused("A resource-link launch must name its resource link.")
    quiz = _placed_quiz(session, launch, secret_key)
    if quiz.archived_at is not None:
        raise ConflictError("Its teacher has archived this quiz.")
    context = _context_class(session, launch, quiz.owner_id)
    link = session.scalar(
        select(LtiResourceLink).where(
            LtiResourceLink.platform_id == launch.platform.id,
            LtiResourceLink.resource_link_id == link_id,
        )
    )
    if link is None:
        link = LtiResourceLink(
            platform_id=launch.platform.id,
            resource_link_id=link_id,
            context_id=context.id,
            quiz_id=quiz.id,
        )
        session.add(link)
    link.lineitem_url = _lineitem(launch.claims) or link.lineitem_url
    session.flush()
    if (
        session.scalar(
            select(Assignment.id).where(
                Assignment.quiz_id == quiz.id, Assignment.class_id == context.class_id
            )
        )
        is None
    ):
        inserted(session, Assignment(quiz_id=quiz.id, class_id=context.class_id))
    if user.role == "learner":
        if session.get(ClassMembership, (context.class_id, user.id)) is None:
            inserted(session, ClassMembership(class_id=context.class_id, user_id=user.id))
        attempt_id = session.scalar(
            select(Attempt.id).where(
                Attempt.quiz_id == quiz.id,
                Attempt.learner_id == user.id,
                Attempt.state == "in_progress",
            )
        )
        # Into the attempt in progress, else to the quiz's card with its Start button.
        page = f"/#/attempt/{attempt_id}" if attempt_id else f"/#/quiz/{quiz.id}"
    else:
        page = f"/#/quiz/{quiz.id}" if quiz.owner_id == user.id else "/#/"
    return ResourceLaunch(user, quiz, context.class_id, page)


# --- deep linking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeepLinkRequest:
    """What a deep-linking launch asked, kept (in the signed session) until the instructor
    has picked a quiz."""

    platform_id: int
    deployment_id: str
    return_url: str
    data: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform_id": self.platform_id,
            "deployment_id": self.deployment_id,
            "return_url": self.return_url,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> DeepLinkRequest | None:
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                int(raw["platform_id"]),
                str(raw["deployment_id"]),
                str(raw["return_url"]),
                raw.get("data"),
            )
        except (KeyError, TypeError, ValueError):
            return None


def deep_link_request(launch: Launch, user: User) -> DeepLinkRequest:
    if user.role != "teacher":
        raise ForbiddenError("Only an instructor can place a Sourcequiz quiz in a course.")
    settings = launch.claims.get(DL_CLAIM + "deep_linking_settings") or {}
    return_url = settings.get("deep_link_return_url") if isinstance(settings, dict) else None
    if not isinstance(return_url, str) or not return_url.startswith(("http://", "https://")):
        raise LtiRefused("The deep-linking request has no deep_link_return_url.")
    data = settings.get("data")
    return DeepLinkRequest(
        launch.platform.id,
        launch.deployment_id,
        return_url,
        data if isinstance(data, str) else None,
    )


def deep_linking_response(
    session: Session,
    request: DeepLinkRequest,
    quiz: Quiz,
    launch_url: str,
    secret_key: str,
    now: datetime,
) -> str:
    """The signed LtiDeepLinkingResponse placing `quiz`: one ltiResourceLink content item
    (opened in a window of its own: the page refuses frames) with a line item for its
    grade, in percent."""
    platform = session.get(LtiPlatform, request.platform_id)
    if platform is None:
        raise LtiRefused("The platform of this deep-linking request is no longer registered.")
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": quiz.title,
        "url": launch_url,
        "custom": {
            QUIZ_PARAMETER: str(quiz.id),
            PLACEMENT_PARAMETER: placement_signature(secret_key, platform.id, quiz.id),
        },
        "lineItem": {
            "scoreMaximum": SCORE_MAXIMUM,
            "label": quiz.title,
            "resourceId": f"sourcequiz-quiz-{quiz.id}",
        },
        "window": {"targetName": "sourcequiz"},
    }
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + RESPONSE_LIFETIME).timestamp()),
        "nonce": uuid.uuid4().hex,
        CLAIM + "deployment_id": request.deployment_id,
        CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": LTI_VERSION,
        DL_CLAIM + "content_items": [item],
    }
    if request.data is not None:
        claims[DL_CLAIM + "data"] = request.data
    return sign_with_tool_key(session, claims)
