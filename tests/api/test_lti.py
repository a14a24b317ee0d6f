"""LTI 1.3 against a simulated platform: its own RSA key pair, a JWKS, a token endpoint and a
line item's scores endpoint served by an HTTP server thread on loopback, and id_tokens it
signs. The whole way: OIDC login initiation -> deep linking (an instructor places a quiz;
the platform verifies the tool's signed response with the tool's JWKS) -> a learner's
resource-link launch (signed in without a password, in the quiz's class) -> the quiz taken
and submitted -> the grade at the platform's scores endpoint after `flask lti send-scores`.
And every refusal, each with its reason, writing nothing.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from quiz_helpers import correct_answers, wrong_answer
from sqlalchemy import func, select

from app.models import LtiIdentity, LtiNonce, LtiScoreOutbox, User
from app.services.lti import CLAIM, DL_CLAIM

ISSUER = "https://lms.school.example"
CLIENT_ID = "sourcequiz-tool-1"
DEPLOYMENT = "deployment-7"
LAUNCH_URL = "http://localhost/lti/launch"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


class Platform:
    """The LMS: signs id_tokens, serves its JWKS, hands out AGS tokens to a tool whose
    client assertion verifies with the tool's JWKS, and records the scores it is sent."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.tool_jwks: dict[str, Any] = {"keys": []}
        self.scores: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any, kind: str = "application/json") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/jwks":
                    self._answer(200, {"keys": [platform.public_jwk()]})
                else:
                    self._answer(404, {})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    platform.token_requests.append(form)
                    try:
                        platform.verify_assertion(form["client_assertion"])
                    except (jwt.InvalidTokenError, KeyError) as error:
                        self._answer(401, {"error": "invalid_client", "detail": str(error)})
                        return
                    self._answer(
                        200, {"access_token": "ags-token", "token_type": "Bearer", "expires_in": 60}
                    )
                elif self.path == "/courses/c1/lineitems/5/lineitem/scores":
                    platform.scores.append(
                        {
                            "body": json.loads(body),
                            "type": self.headers.get("Content-Type"),
                            "auth": self.headers.get("Authorization"),
                        }
                    )
                    self._answer(200, {})
                else:
                    self._answer(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def lineitem(self) -> str:
        return f"{self.base}/courses/c1/lineitems/5/lineitem"

    def public_jwk(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def tool_key(self, token: str) -> Any:
        kid = jwt.get_unverified_header(token)["kid"]
        return jwt.PyJWKSet.from_dict(self.tool_jwks)[kid].key

    def verify_assertion(self, assertion: str) -> dict[str, Any]:
        claims = jwt.decode(
            assertion,
            self.tool_key(assertion),
            algorithms=["RS256"],
            audience=f"{self.base}/token",
            issuer=CLIENT_ID,
        )
        assert claims["sub"] == CLIENT_ID
        return claims

    def id_token(self, nonce: str, message_type: str, *, key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "learner-sub-1",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Ana Learner",
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "target_link_uri": LAUNCH_URL,
            CLAIM + "roles": [LEARNER],
            CLAIM + "context": {"id": "course-1", "title": "History 10"},
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def platform(app: Any, db: Any) -> Iterator[Platform]:
    """The platform, running and registered with `flask lti platform add`."""
    simulated = Platform()
    try:
        result = app.test_cli_runner().invoke(
            args=[
                "lti", "platform", "add",
                "--issuer", ISSUER,
                "--client-id", CLIENT_ID,
                "--deployment-id", DEPLOYMENT,
                "--auth-login-url", f"{simulated.base}/auth",
                "--auth-token-url", f"{simulated.base}/token",
                "--key-set-url", f"{simulated.base}/jwks",
            ]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "registered" in result.output
        simulated.tool_jwks = app.test_client().get("/lti/jwks").get_json()
        yield simulated
    finally:
        simulated.close()


def login(client: Any) -> tuple[str, str]:
    """OIDC login initiation as the platform starts it: (state, nonce) of the redirect."""
    answer = client.post(
        "/lti/login",
        data={
            "iss": ISSUER,
            "login_hint": "hint-1",
            "target_link_uri": LAUNCH_URL,
            "lti_message_hint": "message-1",
            "client_id": CLIENT_ID,
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    location = urlsplit(answer.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert location.path == "/auth"
    assert query["redirect_uri"] == LAUNCH_URL
    assert query["client_id"] == CLIENT_ID
    assert query["response_mode"] == "form_post" and query["scope"] == "openid"
    assert query["login_hint"] == "hint-1" and query["lti_message_hint"] == "message-1"
    return query["state"], query["nonce"]


class Browser:
    """A client signed in by a launch, with the CSRF token the page would read."""

    def __init__(self, client: Any) -> None:
        self.client = client
        me = client.get("/api/auth/me")
        assert me.status_code == 200, me.get_json()
        self.user, self.csrf = me.get_json()["user"], me.get_json()["csrf_token"]

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.client.put(path, headers={"X-CSRF-Token": self.csrf}, **kwargs)


def deep_link(app: Any, platform: Platform) -> tuple[Browser, int, dict[str, Any]]:
    """An instructor's deep-linking launch; they build a quiz and place it. (the teacher,
    the quiz id, the content item the platform verified)."""
    client = app.test_client()
    state, nonce = login(client)
    token = platform.id_token(
        nonce,
        "LtiDeepLinkingRequest",
        sub="teacher-sub-1",
        name="Tom Teacher",
        **{
            CLAIM + "roles": [INSTRUCTOR],
            DL_CLAIM + "deep_linking_settings": {
                "deep_link_return_url": f"{platform.base}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "data": "opaque-platform-data",
            },
        },
    )
    launched = client.post("/lti/launch", data={"id_token": token, "state": state})
    assert launched.status_code == 302, launched.get_json()
    assert launched.headers["Location"].endswith("/lti/deep-link")
    teacher = Browser(client)
    assert teacher.user["role"] == "teacher" and teacher.user["display_name"] == "Tom Teacher"
    questions = [
        teacher.get(f"/api/questions?type={kind}&page_size=1").get_json()[0]["id"]
        for kind in ("single_choice", "true_false")
    ]
    quiz = teacher.post(
        "/api/quizzes",
        json={"title": "Treaty quiz", "question_ids": questions, "grading": "average"},
    )
    assert quiz.status_code == 201, quiz.get_json()
    quiz_id = quiz.get_json()["id"]
    page = client.get("/lti/deep-link")
    assert page.status_code == 200 and "Treaty quiz" in page.get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert form_token is not None
    answer = client.post(
        "/lti/deep-link", data={"quiz_id": str(quiz_id), "csrf_token": unescape(form_token[1])}
    )
    assert answer.status_code == 200, answer.get_json()
    html = answer.get_data(as_text=True)
    assert f'action="{platform.base}/deep-link-return"' in html
    signed = unescape(re.search(r'name="JWT" value="([^"]+)"', html)[1])  # type: ignore[index]
    # The platform checks the response with the tool's public keys.
    claims = jwt.decode(
        signed, platform.tool_key(signed), algorithms=["RS256"], audience=ISSUER, issuer=CLIENT_ID
    )
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == DEPLOYMENT
    assert claims[DL_CLAIM + "data"] == "opaque-platform-data"
    [item] = claims[DL_CLAIM + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == LAUNCH_URL
    assert item["custom"]["sourcequiz_quiz_id"] == str(quiz_id)
    assert item["lineItem"]["scoreMaximum"] == 100
    return teacher, quiz_id, item


def learner_launch(
    app: Any, platform: Platform, item: dict[str, Any], sub: str = "learner-sub-1"
) -> Any:
    client = app.test_client()
    state, nonce = login(client)
    token = platform.id_token(
        nonce,
        "LtiResourceLinkRequest",
        sub=sub,
        **{
            CLAIM + "resource_link": {"id": "link-1", "title": item["title"]},
            CLAIM + "custom": item["custom"],
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitem": platform.lineitem,
            },
        },
    )
    return client, client.post("/lti/launch", data={"id_token": token, "state": state})


def take_quiz(learner: Browser, teacher: Browser, quiz_id: int, right: bool = True) -> dict:
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert attempt.status_code == 201, attempt.get_json()
    attempt = attempt.get_json()
    answers = correct_answers(teacher, attempt["id"])
    for item in attempt["items"]:
        response = answers[item["id"]] if right else wrong_answer(item, answers[item["id"]])
        saved = learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}", json={"response": response}
        )
        assert saved.status_code == 200, saved.get_json()
    submitted = learner.post(f"/api/attempts/{attempt['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


def send_scores(app: Any) -> Any:
    return app.test_cli_runner().invoke(args=["lti", "send-scores"])


def test_deep_linking_then_launch_then_grade_back(app: Any, db: Any, platform: Platform) -> None:
    teacher, quiz_id, item = deep_link(app, platform)

    client, launched = learner_launch(app, platform, item)
    assert launched.status_code == 302, launched.get_json()
    assert launched.headers["Location"] == f"/#/quiz/{quiz_id}"
    learner = Browser(client)
    assert learner.user["role"] == "learner" and learner.user["display_name"] == "Ana Learner"
    mine = learner.get("/api/me/assignments").get_json()
    assert [a["quiz"]["id"] for a in mine] == [quiz_id]
    assert mine[0]["class_name"] == "History 10"
    # The class is the instructor's: they see the learner in it.
    classes = teacher.get("/api/classes").get_json()
    [course] = [c for c in classes if c["name"] == "History 10"]
    members = teacher.get(f"/api/classes/{course['id']}/members").get_json()
    assert [m["user_id"] for m in members] == [learner.user["id"]]

    result = take_quiz(learner, teacher, quiz_id)
    assert result["score"] == result["max_score"]
    assert platform.scores == []  # nothing leaves during the request
    sent = send_scores(app)
    assert sent.exit_code == 0, sent.output
    assert "1 score(s) sent" in sent.output
    [score] = platform.scores
    assert score["type"] == "application/vnd.ims.lis.v1.score+json"
    assert score["auth"] == "Bearer ags-token"
    body = score["body"]
    assert body["userId"] == "learner-sub-1"
    assert body["scoreGiven"] == 100 and body["scoreMaximum"] == 100
    assert body["activityProgress"] == "Completed" and body["gradingProgress"] == "FullyGraded"
    [token_request] = platform.token_requests
    assert token_request["grant_type"] == "client_credentials"
    assert token_request["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"

    # A later launch of the same person signs them in again as the same user, and a second
    # graded attempt (the quiz grades the average of the attempts) sends the new grade.
    client, again = learner_launch(app, platform, item)
    assert again.status_code == 302
    relaunched = Browser(client)
    assert relaunched.user["id"] == learner.user["id"]
    take_quiz(relaunched, teacher, quiz_id, right=False)
    assert send_scores(app).exit_code == 0
    second = platform.scores[-1]["body"]
    assert len(platform.scores) == 2 and second["scoreGiven"] == 50
    assert second["timestamp"] >= body["timestamp"]


def test_a_down_platform_keeps_the_score_for_later(app: Any, db: Any, platform: Platform) -> None:
    teacher, quiz_id, item = deep_link(app, platform)
    client, _ = learner_launch(app, platform, item)
    take_quiz(Browser(client), teacher, quiz_id)
    platform.close()
    failed = send_scores(app)
    assert failed.exit_code == 1 and "1 to retry" in failed.output
    row = db.session.scalar(select(LtiScoreOutbox))
    assert row.sent_at is None and row.tries == 1 and "unreachable" in row.last_error


def refused(answer: Any, status: int, words: str) -> None:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert words.lower() in answer.get_json()["detail"].lower(), answer.get_json()


OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    ("case", "claims", "words"),
    [
        ("bad signature", {"key": OTHER_KEY}, "bad signature"),
        ("wrong audience", {"aud": "someone-else"}, "wrong audience"),
        ("expired", {"iat": int(time.time()) - 900, "exp": int(time.time()) - 600}, "expired"),
        ("unknown issuer", {"iss": "https://other-lms.example"}, "unknown issuer"),
        ("unknown deployment", {CLAIM + "deployment_id": "deployment-x"}, "unknown deployment"),
        ("other nonce", {"nonce": "not-the-one"}, "nonce"),
        ("no nonce", {"nonce": None}, "nonce"),
        ("issued in the future", {"iat": int(time.time()) + 600}, "future"),
    ],
)
def test_launch_refusals(
    app: Any, db: Any, platform: Platform, case: str, claims: dict[str, Any], words: str
) -> None:
    client = app.test_client()
    state, nonce = login(client)
    claims = dict(claims)  # the parameters are shared by both databases' runs
    key = claims.pop("key", None)
    token = platform.id_token(
        claims.pop("nonce", nonce), "LtiResourceLinkRequest", key=key, **claims
    )
    answer = client.post("/lti/launch", data={"id_token": token, "state": state})
    refused(answer, 401, words)
    assert db.session.scalar(select(func.count()).select_from(LtiIdentity)) == 0
    assert client.get("/api/auth/me").status_code == 401


def test_a_replayed_nonce_is_refused(app: Any, db: Any, platform: Platform) -> None:
    client = app.test_client()
    state, nonce = login(client)
    cookie = client.get_cookie(f"sq-lti-state-{state}", path="/lti/")
    token = platform.id_token(nonce, "LtiDeepLinkingRequest", sub="t", **{
        CLAIM + "roles": [INSTRUCTOR],
        DL_CLAIM + "deep_linking_settings": {"deep_link_return_url": f"{platform.base}/r"},
    })  # fmt: skip
    first = client.post("/lti/launch", data={"id_token": token, "state": state})
    assert first.status_code == 302
    assert db.session.get(LtiNonce, nonce) is not None
    # Whoever captured the token and the state cookie cannot use them again.
    replay = app.test_client()
    replay.set_cookie(cookie.key, cookie.value, path="/lti/")
    refused(replay.post("/lti/launch", data={"id_token": token, "state": state}), 401, "replayed")


def test_a_launch_without_its_state_is_refused(app: Any, db: Any, platform: Platform) -> None:
    client = app.test_client()
    state, nonce = login(client)
    token = platform.id_token(nonce, "LtiResourceLinkRequest")
    # Another browser (no state cookie), no state at all, or a forged cookie.
    refused(
        app.test_client().post("/lti/launch", data={"id_token": token, "state": state}),
        400,
        "missing state",
    )
    refused(client.post("/lti/launch", data={"id_token": token}), 400, "no state")
    forged = app.test_client()
    forged.set_cookie(f"sq-lti-state-{state}", "forged", path="/lti/")
    refused(forged.post("/lti/launch", data={"id_token": token, "state": state}), 400, "invalid")
    refused(client.post("/lti/launch", data={"state": state}), 400, "no id_token")
    refused(client.post("/lti/launch", data={"id_token": "not.a-jwt", "state": state}), 401, "jwt")
    assert db.session.scalar(select(func.count()).select_from(LtiNonce)) == 0


def test_login_initiation_refusals(app: Any, db: Any, platform: Platform) -> None:
    client = app.test_client()
    refused(client.get("/lti/login?iss=" + ISSUER), 400, "login_hint")
    refused(
        client.get(
            "/lti/login", query_string={"iss": "https://nobody.example", "login_hint": "x",
                                        "target_link_uri": LAUNCH_URL}
        ),
        401,
        "unknown platform",
    )  # fmt: skip


def test_a_learner_cannot_deep_link_nor_open_an_unplaced_quiz(
    app: Any, db: Any, platform: Platform
) -> None:
    client = app.test_client()
    state, nonce = login(client)
    token = platform.id_token(nonce, "LtiDeepLinkingRequest", **{
        DL_CLAIM + "deep_linking_settings": {"deep_link_return_url": f"{platform.base}/r"},
    })  # fmt: skip
    refused(client.post("/lti/launch", data={"id_token": token, "state": state}), 403, "instructor")
    # A link whose custom quiz id was not signed by Sourcequiz for this platform.
    _, answer = learner_launch(
        app, platform, {"title": "x", "custom": {"sourcequiz_quiz_id": "1"}}, sub="learner-2"
    )
    refused(answer, 401, "not placed by sourcequiz")
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email.like("%@lti.sourcequiz.invalid"))) == 0  # fmt: skip


def test_platform_cli_lists_and_removes(app: Any, db: Any, platform: Platform) -> None:
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["lti", "platform", "list"])
    assert ISSUER in listed.output and DEPLOYMENT in listed.output
    bad = runner.invoke(
        args=["lti", "platform", "add", "--issuer", "x", "--client-id", "c",
              "--deployment-id", "d", "--auth-login-url", "ftp://x", "--auth-token-url",
              "https://x/t", "--key-set-url", "https://x/k"]
    )  # fmt: skip
    assert bad.exit_code == 1 and "auth_login_url" in bad.output
    jwks = json.loads(runner.invoke(args=["lti", "jwks"]).output)
    assert jwks == platform.tool_jwks and jwks["keys"][0]["kty"] == "RSA"
    platform_id = re.search(r"^(\d+): ", listed.output, re.M)[1]  # type: ignore[index]
    removed = runner.invoke(args=["lti", "platform", "remove", platform_id])
    assert removed.exit_code == 0, removed.output
    assert runner.invoke(args=["lti", "platform", "remove", platform_id]).exit_code == 1
    client = app.test_client()
    refused(
        client.post("/lti/login", data={"iss": ISSUER, "login_hint": "h",
                                        "target_link_uri": LAUNCH_URL}),
        401,
        "unknown platform",
    )  # fmt: skip
