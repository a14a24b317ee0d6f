"""`flask questions validate|lint|load|export`, `flask sources draft`, `flask attempts
close-overdue`, `flask xapi send`, `flask lti platform add|list|remove`, `flask lti key
new`, `flask lti jwks`, `flask lti send-scores` and `flask demo`."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.content.documents import Catalog
from app.content.export import export_questions
from app.content.extract import extract_candidates
from app.content.ingest import UnreadableSource, text_of_upload
from app.content.lint import lint_catalog
from app.content.load import load_catalog
from app.content.read import read_catalog
from app.errors import DomainError
from app.extensions import db
from app.services.demo import ensure_demo_accounts, ensure_demo_quiz
from app.services.sources import export_source
from app.services.xapi import SendReport, lrs_from_config, send_pending, waiting_count

questions = AppGroup("questions", help="Validate, load and export the question bank content.")
attempts_group = AppGroup("attempts", help="Attempts: jobs to run periodically.")
sources_group = AppGroup("sources", help="Sources: draft the facts of a news article.")
xapi_group = AppGroup("xapi", help="xAPI learning records: deliver the outbox to the LRS.")
lti_group = AppGroup("lti", help="LTI 1.3: platform registrations, the tool's keys, grades.")
platform_group = AppGroup("platform", help="The LMS platforms registered with the tool.")
lti_group.add_command(platform_group)


def _validated_catalog(directory: str | None) -> Catalog:
    root = directory or current_app.config["QUESTIONS_DIR"]
    catalog = read_catalog(root)
    for problem in catalog.problems:
        click.secho(str(problem), fg="red", err=True)
    if not catalog.ok:
        click.secho(f"{len(catalog.problems)} problem(s) in {root}", fg="red", err=True)
        sys.exit(1)
    return catalog


def _summary(catalog: Catalog) -> str:
    facts = sum(len(f) for f in catalog.facts.values())
    lines = [f"{len(catalog.sources)} source(s), {facts} fact(s)"]
    for bank in catalog.banks:
        types = Counter(q.type for q in bank.questions)
        detail = ", ".join(f"{n} {t}" for t, n in sorted(types.items()))
        lines.append(f"bank {bank.slug}: {len(bank.questions)} questions ({detail})")
    return "\n".join(lines)


def _linted(catalog: Catalog) -> bool:
    findings = lint_catalog(catalog)
    for finding in findings:
        click.secho(str(finding), fg="yellow", err=True)
    if findings:
        click.secho(f"{len(findings)} lint finding(s)", fg="yellow", err=True)
    return not findings


@questions.command("validate")
@click.option("--dir", "directory", help="Content directory (default: QUESTIONS_DIR).")
def validate_command(directory: str | None) -> None:
    """Check every source, fact and question, then lint the bank; exit 1 with file:line
    messages if anything is wrong."""
    catalog = _validated_catalog(directory)
    click.echo(_summary(catalog))
    for note in catalog.notes:
        click.echo(str(note))
    if not _linted(catalog):
        sys.exit(1)
    click.secho("content is valid and lint-clean", fg="green")


@questions.command("lint")
@click.option("--dir", "directory", help="Content directory (default: QUESTIONS_DIR).")
def lint_command(directory: str | None) -> None:
    """What a teacher would not put in front of a class: questions that give themselves or
    each other away, twins, too few options, a statement beside its negation, quotations
    that are fragments. Exit 1 if there is any finding."""
    if not _linted(_validated_catalog(directory)):
        sys.exit(1)
    click.secho("no lint finding", fg="green")


@questions.command("load")
@click.option("--dir", "directory", help="Content directory (default: QUESTIONS_DIR).")
def load_command(directory: str | None) -> None:
    """Validate, then upsert sources, facts and banks into the database."""
    catalog = _validated_catalog(directory)
    total = sum(len(b.questions) for b in catalog.banks)
    with click.progressbar(length=total, label="loading questions", file=sys.stderr) as bar:
        report = load_catalog(db.session, catalog, progress=bar.update)
    db.session.commit()
    click.echo(
        f"{report.sources} source(s), {report.facts} fact(s); questions: "
        f"{report.questions_created} new, {report.versions_created} new version(s), "
        f"{report.questions_unchanged} unchanged, {report.questions_retired} retired"
    )


@questions.command("export")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--source", "source_id", type=int, help="A teacher's source (its id) to export.")
@click.option("--to", "target", type=click.Path(file_okay=False), help="With --source: where.")
def export_command(fmt: str, source_id: int | None, target: str | None) -> None:
    """Print every loaded question (with answer key and evidence) as JSON on stdout; or, with
    --source ID --to DIR, write a teacher's source, its accepted facts and its bank as the
    content files of questions/ (sources/, facts/, banks/ under DIR), to keep in git."""
    if source_id is not None:
        if not target:
            raise click.UsageError("--source needs --to DIR")
        try:
            files = export_source(db.session, source_id)
        except DomainError as error:
            click.secho(str(error), fg="red", err=True)
            sys.exit(1)
        for relative, text in files.items():
            path = Path(target) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(str(path))
        return
    exported = export_questions(db.session)
    if not exported:
        click.secho("no questions loaded; run `flask questions load` first", fg="red", err=True)
        sys.exit(1)
    click.echo(json.dumps(exported, ensure_ascii=False, indent=2))


@sources_group.command("draft")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def draft_command(file: str, fmt: str) -> None:
    """The facts the extractor proposes for an article (.txt, or a saved .html page). Evidence
    offsets index the article's text as a source stores it (normalised; of a page, the
    article alone), which `--format text` prints first."""
    try:
        article = text_of_upload(file, Path(file).read_bytes())
    except UnreadableSource as error:
        click.secho(str(error), fg="red", err=True)
        sys.exit(1)
    candidates = extract_candidates(article.text)
    if fmt == "json":
        drafted = [
            {
                "kind": c.kind,
                "statement": c.statement,
                "answer": c.answer,
                "speaker": c.speaker,
                "role": c.role,
                "evidence": {
                    "start": c.evidence_start,
                    "end": c.evidence_end,
                    "text": c.evidence_text,
                },
                "fields": c.fields,
            }
            for c in candidates
        ]
        click.echo(json.dumps(drafted, ensure_ascii=False, indent=2))
        return
    click.echo(article.text + "\n")
    for c in candidates:
        extra = f" ({c.role})" if c.role else ""
        click.echo(f"{c.kind:<10} {c.answer}{extra}: {c.statement}")
        click.echo(f"{'':<10} [{c.evidence_start}:{c.evidence_end}] {c.evidence_text!r}")
    click.echo(
        f"{len(candidates)} candidate(s): "
        + ", ".join(f"{n} {kind}" for kind, n in Counter(c.kind for c in candidates).items())
    )


@attempts_group.command("close-overdue")
def close_overdue_command() -> None:
    """Grade every attempt whose time ran out (run it every minute or so, e.g. from cron)."""
    from app.clock import now
    from app.services.attempts import close_overdue_attempts

    closed = close_overdue_attempts(db.session, now())
    db.session.commit()
    click.echo(f"{closed} overdue attempt(s) closed and graded")


def _run_outbox_sender(
    send_round: Callable[[int], SendReport],
    waiting: Callable[[], int],
    noun: str,
    loop: bool,
    interval: float,
    batch: int,
) -> None:
    """Drain an outbox (xAPI statements, LTI scores): rounds of `send_round(batch)`, a commit
    each, until none is due or the receiver takes none; print what went; exit 1 if some could
    not go (they stay and are retried later); with `loop`, again every `interval` seconds
    until stopped. A database gone away fails one round of a loop, not the loop."""
    from sqlalchemy.exc import OperationalError

    while True:
        sent = failed = 0
        error = None
        try:
            while True:
                report = send_round(batch)
                db.session.commit()
                sent, failed = sent + report.sent, failed + report.failed
                error = report.error or error
                if report.sent == 0 or report.sent + report.failed < batch:
                    break
        except OperationalError as problem:
            db.session.rollback()
            if not loop:
                raise
            click.secho(f"database unavailable: {problem.orig}", fg="red", err=True)
        if sent or failed or not loop:
            line = f"{sent} {noun}(s) sent, {failed} to retry, {waiting()} waiting"
            click.echo(line + (f" (last error: {error})" if error else ""))
            db.session.commit()
        if not loop:
            sys.exit(1 if failed else 0)
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            click.echo("stopped")
            return


@xapi_group.command("send")
@click.option("--loop", is_flag=True, help="Keep going: send what is due every --interval.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between two rounds of --loop.",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 500),
    default=50,
    show_default=True,
    help="Statements per request to the LRS.",
)
def xapi_send_command(loop: bool, interval: float, batch: int) -> None:
    """Send the statements that grading wrote to the outbox to the LRS (XAPI_LRS_URL), then
    exit (1 if some could not go: they stay and are retried later); with --loop, again
    every --interval seconds until stopped. Run it as a process of its own: requests never
    wait on the LRS. Stopping it at any moment loses nothing."""
    from app.clock import now

    lrs = lrs_from_config(current_app.config)
    if lrs is None:
        click.secho("xAPI is off: XAPI_LRS_URL is not set", fg="red", err=True)
        sys.exit(1)
    _run_outbox_sender(
        lambda batch: send_pending(db.session, lrs, now(), batch=batch),
        lambda: waiting_count(db.session),
        "statement",
        loop,
        interval,
        batch,
    )


@platform_group.command("add")
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. its URL.")
@click.option("--client-id", required=True, help="The client id the platform gave the tool.")
@click.option(
    "--deployment-id",
    "deployment_ids",
    multiple=True,
    required=True,
    help="A deployment id of the tool on the platform (repeat for several).",
)
@click.option("--auth-login-url", required=True, help="The platform's OIDC authorisation URL.")
@click.option("--auth-token-url", required=True, help="The platform's OAuth 2 token URL.")
@click.option("--key-set-url", required=True, help="The platform's public key set (JWKS) URL.")
@click.option("--auth-audience", help="The token endpoint's audience, if not its URL.")
def lti_platform_add_command(
    issuer: str,
    client_id: str,
    deployment_ids: tuple[str, ...],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    auth_audience: str | None,
) -> None:
    """Register an LMS (or update the registration of this issuer and client id, adding its
    deployments). Makes the tool's key pair on first use."""
    from app.services.lti import add_platform, ensure_tool_key

    try:
        platform, created = add_platform(
            db.session,
            issuer=issuer,
            client_id=client_id,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            key_set_url=key_set_url,
            deployment_ids=deployment_ids,
            auth_audience=auth_audience,
        )
        ensure_tool_key(db.session)
    except DomainError as error:
        db.session.rollback()
        click.secho(error.detail, fg="red", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"platform {platform.id} {'registered' if created else 'updated'}: "
        f"{platform.issuer} (client_id {platform.client_id})"
    )


@platform_group.command("list")
def lti_platform_list_command() -> None:
    """The registered platforms, with their deployments and URLs."""
    from app.services.lti import list_platforms

    listings = list_platforms(db.session)
    if not listings:
        click.echo("no platform registered (flask lti platform add --help)")
    for listing in listings:
        p = listing.platform
        click.echo(f"{p.id}: {p.issuer} client_id={p.client_id}")
        click.echo(f"   deployments: {', '.join(listing.deployment_ids) or '(none)'}")
        click.echo(f"   login: {p.auth_login_url}")
        click.echo(
            f"   token: {p.auth_token_url}"
            + (f" (aud {p.auth_audience})" if p.auth_audience else "")
        )
        click.echo(f"   keys:  {p.key_set_url}")


@platform_group.command("remove")
@click.argument("platform_id", type=click.IntRange(1, 2**31 - 1))
def lti_platform_remove_command(platform_id: int) -> None:
    """Remove a registration (its launches stop; users, classes and quizzes stay)."""
    from app.services.lti import remove_platform

    try:
        platform = remove_platform(db.session, platform_id)
    except DomainError as error:
        db.session.rollback()
        click.secho(error.detail, fg="red", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"platform {platform_id} removed: {platform.issuer} (client_id {platform.client_id})"
    )


@lti_group.command("key")
@click.argument("action", type=click.Choice(["new"]))
def lti_key_command(action: str) -> None:
    """`new`: a new key pair signs from now on (the old ones stay in the JWKS)."""
    from app.services.lti import new_tool_key

    key = new_tool_key(db.session)
    db.session.commit()
    click.echo(f"new signing key {key.kid}")


@lti_group.command("jwks")
def lti_jwks_command() -> None:
    """Print the tool's public key set (as /lti/jwks serves it), making a key pair first if
    there is none: what a platform that wants the keys themselves is given."""
    from app.services.lti import ensure_tool_key, tool_jwks

    ensure_tool_key(db.session)
    db.session.commit()
    click.echo(json.dumps(tool_jwks(db.session), indent=2))


@lti_group.command("send-scores")
@click.option("--loop", is_flag=True, help="Keep going: send what is due every --interval.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between two rounds of --loop.",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 500),
    default=50,
    show_default=True,
    help="Scores per round and commit.",
)
def lti_send_scores_command(loop: bool, interval: float, batch: int) -> None:
    """Send the grades that grading wrote to the outbox to the platforms' line items (LTI
    AGS), then exit (1 if some could not go: they stay and are retried later); with --loop,
    again every --interval seconds until stopped. Run it as a process of its own."""
    from app.clock import now
    from app.services.lti_scores import send_pending_scores, waiting_scores

    _run_outbox_sender(
        lambda batch: send_pending_scores(db.session, now(), batch=batch),
        lambda: waiting_scores(db.session),
        "score",
        loop,
        interval,
        batch,
    )


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo teacher, learner and class, and a demo quiz that the class's other
    learners have taken (never in production)."""
    from app.clock import now

    if current_app.config["ENV_NAME"] == "production":
        click.secho("refusing to create demo accounts in production", fg="red", err=True)
        sys.exit(1)
    teacher, learner = current_app.config["DEMO_TEACHER"], current_app.config["DEMO_LEARNER"]
    accounts = ensure_demo_accounts(db.session, teacher, learner)
    demo = ensure_demo_quiz(db.session, accounts, learner[1], now())
    db.session.commit()
    click.echo(f"demo teacher: {teacher[0]} / {teacher[1]}")
    click.echo(f"demo learner: {learner[0]} / {learner[1]}")
    click.echo(
        f"demo class: {accounts.school_class.name!r}, join code {accounts.school_class.join_code}"
    )
    if demo is None:
        click.secho("no demo quiz: no bank is loaded (run `flask questions load`)", fg="yellow")
        return
    due = f", due {demo.due_at:%Y-%m-%d %H:%M} UTC" if demo.due_at else ""
    click.echo(
        f"demo quiz: {demo.quiz.title!r} (id {demo.quiz.id}, {len(demo.question_types)} "
        f"questions: {', '.join(demo.question_types)}), assigned to the class{due}"
        + ("" if demo.created else "; already there")
    )
    click.echo(f"demo classmates (password {learner[1]}), one submitted attempt each:")
    for result in demo.results:
        click.echo(
            f"  {result.learner.display_name:<15} {result.learner.email:<32} "
            f"{round(result.score or 0, 2):g}/{result.max_score:g}"
        )
    click.echo(f"{accounts.learner.display_name} has not started the quiz.")


def init_app(app: Flask) -> None:
    app.cli.add_command(questions)
    app.cli.add_command(attempts_group)
    app.cli.add_command(sources_group)
    app.cli.add_command(xapi_group)
    app.cli.add_command(lti_group)
    app.cli.add_command(demo_command)
