"""Draft facts from a news text: the candidates a teacher reviews (issue 12, item 2).

Rule-based and deterministic, nothing to download: regular expressions over the text, its
lines (a line is a paragraph: pasted and uploaded sources are stored one paragraph a line)
and its sentences (`app.domain.sentences`). Every candidate carries verbatim evidence: the
slice of the text at its code-point offsets, a clause or a sentence long.

| kind       | what the rules read                                                          |
|------------|------------------------------------------------------------------------------|
| date       | a full date ("June 19, 2024", "6 May 2002", "March 3"), a year ("in 2004",   |
|            | "since 1972", "the 1987 accord", "the 1961 Treaty of ..."), a weekday tied    |
|            | to an event ("on Wednesday"); the event is its clause without the date       |
| quote      | quoted sentences with an attribution after (`“…,” X said`, `said X`, `“…,”    |
|            | she told reporters`) or before (`X said: “…”`), a quotation split by its     |
|            | attribution or carried on in the next paragraph (one speaker), and reported  |
|            | speech of a person (`X said (that) …`, `…, X said.`); he/she/they is the     |
|            | nearest named person of the paragraph or the one before                      |
| definition | `Name, or ACR`, `Name (ACR)`, `ACR, the Name,`, `ACR [name]`, and a name in   |
|            | full before its short form (`… Forces Treaty` … `INF Treaty`); the initials  |
|            | must spell the acronym                                                       |
| number     | a quantity with its unit and what it counts (`$3.2 billion in loans`,        |
|            | `over 15 years`, `two months after`, `between 1,700 and 2,200 warheads`)     |
| entity     | people with the role the text gives them (a title before the name, an        |
|            | appositive after it, a byline) and organisations introduced with what they  |
|            | are (`the American think tank Council on Foreign Relations`); one per name   |
| list       | three or more capitalised names in a row (`Chile, Peru and Bolivia`)         |

What the rules leave to the teacher: quotations without an attribution nearby, speakers that
are documents ("the treaty reads"), relative dates ("last November"), people named without
a role, small numbers of things ("the two countries"), and lists of common nouns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.domain.sentences import split_sentences


@dataclass(frozen=True)
class Candidate:
    """A fact the extractor proposes, with its evidence (text[start:end] == evidence_text)."""

    kind: str  # "date" | "quote" | "definition" | "entity" | "number" | "list"
    statement: str
    answer: str
    evidence_start: int
    evidence_end: int
    evidence_text: str
    speaker: str | None = None
    role: str | None = None
    # The kind's fields, as FACT_SCHEMAS takes them.
    fields: dict[str, Any] = field(default_factory=dict)


KIND_ORDER = ("date", "quote", "definition", "entity", "number", "list")

# --- words --------------------------------------------------------------------------------

SP = r"[ \u00a0]+"  # spaces within a line (never a line break)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"

# Words of speaking: what puts a quotation or reported speech in someone's mouth.
SPEECH_VERBS = (
    "said", "says", "added", "adds", "told", "tells", "declared", "declares", "stated",
    "noted", "notes", "warned", "warns", "wrote", "writes", "explained", "argued", "argues",
    "insisted", "insists", "claimed", "claims", "asked", "continued", "concluded",
    "announced", "announces", "stressed", "stresses", "replied", "recalled", "acknowledged",
    "admitted", "predicted", "confirmed", "denied", "urged", "remarked",
)  # fmt: skip
_VERB = "(?:" + "|".join(SPEECH_VERBS) + r")\b"

# Capitalised words that are titles: before a name they are its role ("President Putin").
TITLES = frozenset(
    {
        "president", "vice-president", "minister", "prime", "secretary", "governor", "senator",
        "sen.", "rep.", "gov.", "gen.", "representative", "chancellor", "king", "queen",
        "prince", "princess", "ambassador", "envoy", "mayor", "general", "director", "chairman",
        "chairwoman", "chair", "speaker", "judge", "justice", "pope", "premier", "commander",
        "chief", "leader", "spokesperson", "spokesman", "spokeswoman", "admiral", "colonel",
        "col.", "lt.", "captain", "capt.", "sgt.", "sergeant", "dr.", "mr.", "mrs.", "ms.",
        "professor", "prof.", "emir", "sheikh", "ceo", "head", "deputy", "vice", "acting",
        "attorney", "foreign", "defense", "defence", "economy", "finance", "trade", "interior",
        "state", "official", "officials", "cardinal", "archbishop", "bishop", "rabbi", "imam",
        "councillor", "councilor", "lawmaker", "adviser", "advisor", "coach", "founder",
    }
)  # fmt: skip
# Lowercase nouns of office that may stand before a name ("North Korean leader Kim Jong Un").
_LOWER_HEAD = (
    r"(?:leader|president|prime minister|minister|secretary|spokesperson|spokesman|"
    r"spokeswoman|governor|senator|chancellor|ambassador|envoy|mayor|general|director|"
    r"chairman|chairwoman|premier|commander|chief|official|adviser|advisor|negotiator|"
    r"representative|judge|analyst|economist|professor|lawmaker|legislator|diplomat|"
    r"correspondent|reporter|editor|coach|founder|activist|candidate|opposition leader|"
    r"chief executive|executive|researcher|scientist|expert|historian|attorney general)"
)
# Lowercase words that may stand in a role before its head ("Australian trade minister").
_LOWER_MOD = (
    r"(?:trade|foreign|defen[cs]e|finance|economy|interior|deputy|vice|former|top|senior|"
    r"state|national|security|press|acting|opposition|party|military|supreme|veteran|chief|"
    r"health|energy|justice|education|environment|agriculture|transport|labou?r)"
)
# Nouns heading an appositive that gives a person's role ("Sue Mi Terry, senior fellow …").
APPOSITIVE_HEADS = frozenset(
    {
        "spokesperson", "spokesman", "spokeswoman", "fellow", "professor", "director",
        "minister", "president", "leader", "analyst", "expert", "researcher", "official",
        "ambassador", "envoy", "chairman", "chairwoman", "chair", "chief", "head", "founder",
        "secretary", "senator", "governor", "mayor", "adviser", "advisor", "economist",
        "scientist", "lawyer", "attorney", "author", "editor", "correspondent", "reporter",
        "commander", "general", "member", "manager", "executive", "ceo", "negotiator",
        "republican", "democrat", "lawmaker", "diplomat", "historian", "strategist",
        "lecturer", "partner", "associate", "vice", "deputy", "premier", "chancellor",
        "candidate", "activist", "coordinator", "representative", "legislator", "judge",
        "officer", "administrator", "commissioner", "specialist", "scholar", "owner",
    }
)  # fmt: skip
# Trades by their endings: "a hydrologist at …", "an oceanographer at …", "a physician".
_TRADE = re.compile(r"\w{3,}(?:ist|grapher|ician|ologer)$")
# Nouns of an organisation's kind, before its name ("the American think tank Council on …").
_ORG_HEAD = (
    r"(?:think tank|news agency|agency|company|firm|group|organi[sz]ation|broadcaster|"
    r"newspaper|daily|institute|bank|party|militia|network|alliance|coalition|union|"
    r"airline|carrier|automaker|manufacturer|regulator|watchdog|charity|foundation|"
    r"university|ministry|department|court|consultancy|publisher|bloc|conglomerate)"
)
_ORG_END_WORDS = frozenset(
    {
        "agency", "organization", "organisation", "council", "party", "bank", "fund",
        "ministry", "committee", "association", "institute", "union", "alliance", "company",
        "corporation", "group", "service", "office", "department", "commission", "authority",
        "forces", "army", "front", "movement", "foundation", "center", "centre", "network",
        "court", "board", "administration", "programme", "program",
    }
)  # fmt: skip
# Capitalised words that are never part of a person's name.
NOT_NAME = frozenset(
    {
        "the", "a", "an", "in", "on", "at", "by", "for", "after", "before", "and", "but",
        "if", "when", "while", "as", "of", "to", "from", "with", "updated", "edited", "north",
        "south", "east", "west", "korea", "korean", "russia", "russian", "united", "states",
        "union", "kingdom", "republic", "council", "house", "white", "ministry", "agency",
        "department", "party", "nations", "federation", "committee", "treaty", "charter",
        "article", "agreement", "organization", "organisation", "reuters", "news", "press",
        "university", "institute", "foundation", "bank", "fund", "court", "army", "navy",
        "forces", "government", "parliament", "congress", "senate", "kremlin", "pentagon",
        "staff", "this", "that", "these", "those", "it", "its", "their", "there", "afterward",
        "meanwhile", "however", "also", "european", "china", "chinese", "american", "america",
        "ukraine", "iran", "vietnam", "japan", "india", "europe", "africa", "asia", "israel",
        "gaza", "washington", "moscow", "beijing", "london", "paris", "pyongyang", "seoul",
        "tokyo", "britain", "france", "germany", "canada", "mexico", "brazil", "australia",
        *(m.lower() for m in MONTHS), *(d.lower() for d in WEEKDAYS),
    }
)  # fmt: skip
_STOP_INITIALS = frozenset({"of", "the", "and", "for", "on", "in", "de", "des", "du", "la", "&"})

# A capitalised word: a name, a title, an initial, "U.S.", a possessive ("Russia’s").
_CAP = r"(?:[A-Z][\w.\-]*(?:[’'][\w]+)?)"
# A run of them, "of" allowed inside ("Secretary of State Colin Powell").
# Lowercase particles inside a name ("Erik van Sebille", "Luiz Inácio Lula da Silva").
_PARTICLE = r"(?:van|von|de|da|di|du|del|der|den|dos|bin|ibn|al|le|la)"
_CAPRUN = rf"{_CAP}(?:{SP}(?:of{SP}|{_PARTICLE}{SP}(?:{_PARTICLE}{SP})?)?{_CAP}){{0,7}}"
_NAME_TOKEN = re.compile(r"[A-Z][a-z]+(?:[’'\-][A-Za-z][a-z]+)*|[A-Z][a-z]*[A-Z][a-z]+|[A-Z]\.")
_POSSESSIVE = re.compile(r"[’']s$")
_PRONOUNS = ("he", "she", "they", "He", "She", "They")


# --- the text ------------------------------------------------------------------------------


class _Text:
    """The text with its paragraphs (lines) and sentences, for lookups by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraphs: list[tuple[int, int]] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            if stripped:
                start = offset + len(line) - len(line.lstrip())
                self.paragraphs.append((start, start + len(stripped)))
            offset += len(line)
        self._paragraph_starts = [s for s, _ in self.paragraphs]
        self.sentences = list(split_sentences(text))
        self._sentence_starts = [s for s, _ in self.sentences]

    def paragraph_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._paragraph_starts, pos) - 1)

    def sentence(self, pos: int) -> tuple[int, int]:
        index = max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)
        return self.sentences[index] if self.sentences else (0, len(self.text))


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding spaces or the commas and semicolons at its edges."""
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _tidy(words: str) -> str:
    """Single spaces, no space before a comma, no stray edge commas."""
    words = re.sub(r"\s+", " ", words).strip()
    words = re.sub(r" ([,.;:])", r"\1", words)
    words = re.sub(r",(?=[,.])", "", words)
    return words.strip(" ,;:")


def _sentence_case(words: str) -> str:
    words = _tidy(words)
    if not words:
        return words
    words = words[0].upper() + words[1:]
    return words if words[-1] in ".?!" else words + "."


def _lower_first(words: str) -> str:
    """ "The treaty…" -> "the treaty…" after a leading phrase; names keep their capital."""
    first = words.split(" ", 1)[0]
    if first in {"The", "A", "An", "Their", "Its", "His", "Her", "This", "These", "That"}:
        return first.lower() + words[len(first) :]
    return words


def _candidate(
    t: _Text, kind: str, statement: str, answer: str, start: int, end: int, **extra: Any
) -> Candidate:
    start, end = _span(t.text, start, end)
    return Candidate(
        kind=kind,
        statement=statement,
        answer=answer,
        evidence_start=start,
        evidence_end=end,
        evidence_text=t.text[start:end],
        **extra,
    )


# --- clauses --------------------------------------------------------------------------------

_SUBORDINATORS = (
    r"when|while|whereas|if|because|although|though|that|which|who|whom|where|unless|until"
)
# Where a clause begins: punctuation that closes the one before, or a word that opens one.
_CLAUSE_OPENERS = re.compile(
    rf"(?:;|:(?=\s)|\s[—–]\s|\s--?\s|,\s(?=(?:and|but|so)\s+[a-z]|(?:while|whereas|as|when|which|"
    rf"who|although|though|because)\s)|(?<=\s)(?:{_SUBORDINATORS})\s)"
)
# Where a clause ends, after the words of interest.
_CLAUSE_CLOSERS = re.compile(
    r"(?:;|:(?=\s)|\s[—–]\s|\s--?\s|,\s(?=(?:and|but|so)\s+[a-z]|(?:while|whereas|as|when|"
    r"which|who|although|though|because|according)\s)|\s(?=(?:while|whereas|although|because)\s))"
)
_PHRASE_STARTS = re.compile(r"(?<=\s)(?:during|following|after|before|at|amid|as part of)\s")
_LONG_CLAUSE = 20  # words: past this a clause starts at the phrase that holds the date


def _clause(t: _Text, start: int, end: int) -> tuple[int, int, str | None]:
    """The clause of its sentence that holds [start, end): its span and the word that opened
    it (a subordinator such as "that"), if any."""
    s0, s1 = t.sentence(start)
    s1 = max(s1, end)
    sentence = t.text[s0:s1]
    begin, opener = s0, None
    for match in _CLAUSE_OPENERS.finditer(sentence):
        if s0 + match.end() <= start:
            begin = s0 + match.end()
            word = match.group(0).strip(" ,;:—–-")
            opener = word if word else None
    finish = s1
    for match in _CLAUSE_CLOSERS.finditer(sentence):
        if s0 + match.start() >= end:
            finish = s0 + match.start()
            break
    if len(t.text[begin:start].split()) > _LONG_CLAUSE:
        # A long clause: start at the phrase that holds the words ("during a ceremony …").
        window = t.text[begin:start]
        words_before = [m.start() for m in re.finditer(r"\S+", window)]
        limit = words_before[-_LONG_CLAUSE] if len(words_before) >= _LONG_CLAUSE else 0
        for match in _PHRASE_STARTS.finditer(window):
            if match.start() >= limit:
                begin, opener = begin + match.start(), None
                break
    begin, finish = _span(t.text, begin, finish)
    if finish > begin and t.text[finish - 1] == "." and finish == s1:
        finish -= 1  # the sentence's stop is no part of the clause
    return begin, finish, opener


_PARTICIPLE = re.compile(
    r"\b(?P<np>(?:a|an|the|their|its|his|her)\s(?:[\w’'\-]+\s){0,4}?[a-z][\w\-]*)\s"
    r"(?P<verb>[a-z]+ed)\s(?=(?:after|by|in|on|at|during|following|with|under|for|last)\b)"
)
_NP_WORDS = re.compile(
    r"^(?:[A-Z][\w’'.\-]*|\([A-Z]{2,6}\)|\d+|of|and|the|between|for|on|in|a|an|with|to|[,])$"
)


def _antecedent(t: _Text, before: int) -> str | None:
    """The noun phrase a relative clause ("that became void") is about: the words before it,
    back to the first word that cannot be part of a name ("recalls the 1961 Treaty of …")."""
    words = t.text[t.sentence(before)[0] : before].split()
    phrase: list[str] = []
    for word in reversed(words):
        core = word.rstrip(",")
        if not _NP_WORDS.match(core) and not _NP_WORDS.match(word):
            break
        phrase.insert(0, word)
    while phrase and phrase[0].lower() in {"of", "and", "between", "for", "on", "in", "with", "to"}:
        phrase.pop(0)
    text = " ".join(phrase).strip(" ,")
    if len(phrase) >= 2 and re.search(r"[A-Z]", text):
        return text
    # A common noun with its determiner: "ending a dispute that began in 1962".
    common = _COMMON_NP.search(t.text[t.sentence(before)[0] : before].rstrip(" ,"))
    return common.group(0) if common else None


_COMMON_NP = re.compile(r"\b(?:a|an|the|its|their|his|her)\s(?:[\w’'\-]+\s){0,2}[a-z][\w’'\-]*$")
# A dateline before the story: "LIMA, Peru — ", "WASHINGTON (Reuters) - ".
_STORY_DATELINE = re.compile(r"^[A-Z][A-Z .’'\-]+(?:,\s[A-Z][\w .’'\-]*)?(?:\s\([^)]*\))?\s[—–-]\s")


# --- people and organisations ---------------------------------------------------------------


@dataclass
class _Person:
    name: str
    mentions: list[tuple[int, int, bool]] = field(default_factory=list)  # start, end, possessive
    # (score, start, end, role, evidence start, evidence end)
    roles: list[tuple[int, int, str, int, int]] = field(default_factory=list)
    entity_type: str = "person"
    metadata: bool = False

    @property
    def tokens(self) -> list[str]:
        return self.name.split()


def _split_title(run: str) -> tuple[str, str]:
    """("Russian President", "Vladimir Putin") from "Russian President Vladimir Putin": the
    name is what follows the last title word (and the "of …" of "Secretary of State")."""
    tokens = run.split()
    last_title = -1
    for i, token in enumerate(tokens):
        if token.lower().rstrip(",") in TITLES:
            last_title = i
    if last_title >= 0 and last_title + 1 < len(tokens) and tokens[last_title + 1] == "of":
        last_title = max(last_title + 2, len(tokens) - 3)
    role = " ".join(tokens[: last_title + 1])
    name_tokens = tokens[last_title + 1 :]
    for i, token in enumerate(name_tokens):
        if _POSSESSIVE.search(token):  # "Joe Biden's National Security Council"
            name_tokens = name_tokens[: i + 1]
            break
    while name_tokens and name_tokens[0].lower() in NOT_NAME:
        name_tokens.pop(0)
    while name_tokens and name_tokens[-1].lower().strip("’'s") in NOT_NAME:
        name_tokens.pop()
    return role, " ".join(name_tokens)


def _is_person_name(name: str) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 5:
        return False
    particles = [i for i, tok in enumerate(tokens) if re.fullmatch(_PARTICLE, tok)]
    if 0 in particles or len(tokens) - len(particles) > 4:
        return False
    tokens = [tok for i, tok in enumerate(tokens) if i not in particles]
    if not all(_NAME_TOKEN.fullmatch(_POSSESSIVE.sub("", tok)) for tok in tokens):
        return False
    return not any(_POSSESSIVE.sub("", tok).lower() in NOT_NAME for tok in tokens)


_OFFICES = frozenset(
    {
        "president", "minister", "senator", "sen.", "governor", "gov.", "chancellor", "premier",
        "secretary", "ambassador", "mayor", "king", "queen", "pope", "rep.", "representative",
        "spokesman", "spokeswoman", "spokesperson",
    }
)  # fmt: skip


def _span_of(run: str, words: str) -> tuple[int, int]:
    """Where `words` (joined by single spaces) stand in `run`, whatever spaces the text has
    between them; the whole run if they are not there."""
    pattern = SP.join(re.escape(w) for w in words.split())
    found = re.search(pattern, run) if pattern else None
    return (found.start(), found.end()) if found else (0, len(run))


def _single_name(name: str) -> bool:
    """A one-word name ("Soelistyo"): capitalised, not an acronym, not a common word."""
    return bool(re.fullmatch(r"[A-Z][a-z]{2,}", name)) and name.lower() not in NOT_NAME


# An appositive that names an office held by a person ("head of …", "a spokesman for …").
_OFFICE = re.compile(
    r"(?:(?:a|an|the)\s)?(?:[\w’'\-]+\s){0,3}?(?:head|chief|director|spokes(?:man|woman|person)|"
    r"minister|president|governor|chairman|chairwoman|commander|secretary|ambassador)\b"
)


def _article(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


class _People:
    """The people (and organisations) the text names, with their roles and mentions."""

    def __init__(self, t: _Text) -> None:
        self.t = t
        self.people: dict[str, _Person] = {}
        self.organisations: list[Candidate] = []
        self._find_roles()
        self._find_speakers()
        self._merge_surnames()
        self._find_mentions()

    def _person(self, name: str) -> _Person:
        name = _POSSESSIVE.sub("", name)
        known = self.resolve_token(name) if len(name.split()) == 1 else self.people.get(name)
        if known is None:
            known = self.people[name] = _Person(name)
        return known

    def _add_role(
        self, name: str, role: str, score: int, ev_start: int, ev_end: int, **flags: Any
    ) -> None:
        person = self._person(name)
        person.roles.append((score, ev_start, role, ev_start, ev_end))
        if flags.get("metadata"):
            person.metadata = True

    def _find_roles(self) -> None:
        text = self.t.text
        # A title before the name: "Russian President Vladimir Putin", "Governor John Roe".
        for match in re.finditer(_CAPRUN, text):
            run = match.group(0)
            role, name = _split_title(run)
            # "President Obama": one name after an office that only a person holds.
            office = bool(role) and role.split()[-1].lower() in _OFFICES and _single_name(name)
            if not role or not (_is_person_name(name) or office):
                continue
            if _POSSESSIVE.search(name):
                self._person(name)  # "U.S. President Joe Biden's council": in passing
                continue
            role_words = role.split()
            while role_words and role_words[0].lower() in NOT_NAME - {
                "north", "south", "east", "west", "white", "house", "united", "states",
                "european", "union", "national", "korean", "russian", "american", "chinese",
            }:  # fmt: skip
                role_words.pop(0)
            if not role_words or role_words[-1].lower() not in TITLES:
                continue
            role = " ".join(role_words)
            start = match.start() + _span_of(run, role)[0]
            end = match.start() + _span_of(run, name)[1]
            self._add_appositive_or_prefix(name, role, start, end)
        # A lowercase office before the name: "North Korean leader Kim Jong Un".
        lower = re.compile(
            rf"(?P<role>(?:(?:{_CAP}|{_LOWER_MOD}){SP}){{0,4}}{_LOWER_HEAD}){SP}(?P<run>{_CAPRUN})"
        )
        for match in lower.finditer(text):
            role_words = match.group("role").split()
            while role_words and role_words[0].lower() in {"the", "a", "an", "in", "on", "by"}:
                role_words.pop(0)
            _, name = _split_title(match.group("run"))
            if not _is_person_name(name) or not match.group("run").startswith(name):
                continue
            role = " ".join(role_words)
            start = match.start("role") + _span_of(match.group("role"), role)[0]
            end = match.start("run") + len(name)
            self._add_appositive_or_prefix(name, role, start, end)
        # A byline: "By Taejun Kang for RFA".
        byline = re.compile(rf"(?m)^By{SP}(?P<name>{_CAPRUN}?)(?:{SP}for{SP}(?P<org>[^\n]+?))?$")
        for match in byline.finditer(text):
            name = match.group("name")
            if _is_person_name(name):
                org = match.group("org")
                role = "the reporter who wrote the article" + (f" for {org}" if org else "")
                self._add_role(name, role, 0, match.start(), match.end(), metadata=True)
        # An appositive alone: "Sue Mi Terry, senior fellow for Korea studies, told …".
        for match in re.finditer(rf"(?P<run>{_CAPRUN}),{SP}", text):
            role_prefix, name = _split_title(match.group("run"))
            if role_prefix or not (_is_person_name(name) or _single_name(name)):
                continue
            appositive = self._appositive(match.end())
            if appositive is None:
                continue
            if not _is_person_name(name) and not _OFFICE.match(appositive[0]):
                continue  # one word is a person's name only before an office ("X, head of …")
            phrase, end = appositive
            start = match.start("run") + _span_of(match.group("run"), name)[0]
            self._add_role(name, phrase, 3, start, end)
        self._find_organisations()

    def _add_appositive_or_prefix(self, name: str, role: str, start: int, end: int) -> None:
        """A title before the name, joined with an appositive after it when there is one
        ("Governor John Roe, a Vermont Republican")."""
        text = self.t.text
        possessive = bool(re.search(r"[’']s\b", role))
        full_role = role if possessive else f"the {role}"
        score = 1 if possessive else 2
        after = re.match(rf",{SP}", text[end:])
        if after and not _POSSESSIVE.search(name):
            appositive = self._appositive(end + after.end())
            if appositive is not None:
                phrase, app_end = appositive
                self._add_role(name, f"{full_role}, {phrase}", 3, start, app_end)
                return
        if text[end : end + 2] in ("'s", "’s"):
            return  # "President Joe Biden's council": named in passing
        self._add_role(name, full_role, score, start, end)

    def _appositive(self, start: int) -> tuple[str, int] | None:
        """The role phrase at `start` ("the spokesperson for …", "senior fellow for …") up to
        the next comma or the sentence's end, when it names a person's role."""
        _, s1 = self.t.sentence(start)
        rest = self.t.text[start:s1]
        stop = re.search(rf",|;|:|\s[—–]\s|[“\"(]|\s{_VERB}", rest)
        phrase = rest[: stop.start()] if stop else rest.rstrip(".")
        words = phrase.split()
        if not 1 <= len(words) <= 16:
            return None
        head = [w.lower().strip(".,") for w in words[:5]]
        # A noun of office, or of a trade in -ist ("a hydrologist at …", "a columnist for …").
        if not any(w in APPOSITIVE_HEADS or _TRADE.search(w) for w in head):
            return None
        clause_or_name = words[0] in {"who", "which", "that", "said", "says", "told"} or (
            words[0][:1].isupper()
        )
        if (
            clause_or_name
            and words[0] not in {"A", "An", "The"}
            and head[0] not in APPOSITIVE_HEADS
        ):
            return None
        phrase = phrase.strip()
        if words[0][:1].isupper() and words[0] not in {"A", "An", "The"}:
            phrase = f"the {phrase}"  # a title: "Director General of ESA" is one person
        elif words[0].lower() not in {"a", "an", "the"}:
            phrase = _article(phrase)
        return phrase, start + len(rest[: stop.start()] if stop else rest.rstrip(".").rstrip())

    def _find_organisations(self) -> None:
        text = self.t.text
        # "the American think tank Council on Foreign Relations"
        org = re.compile(
            rf"(?:\b(?:the|a|an){SP})?(?P<mods>(?:(?:[A-Z][\w’'\-]*|[a-z]+-[a-z]+){SP}){{0,3}})"
            rf"(?P<head>{_ORG_HEAD}){SP}(?P<name>[A-Z][\w’'.\-]*(?:{SP}(?:(?:of|on|for|and|the)"
            rf"{SP})*[A-Z][\w’'.\-]*)*)"
        )
        for match in org.finditer(text):
            name = match.group("name").rstrip(".")
            if name.split()[0].lower() in NOT_NAME and len(name.split()) == 1:
                continue
            role = _article(_tidy(match.group("mods") + match.group("head")))
            self._organisation(name, role, match.start(), match.start("name") + len(name))

    def _organisation(self, name: str, role: str, start: int, end: int) -> None:
        statement = f"{name} is {role}."
        if any(c.answer == name for c in self.organisations):
            return
        self.organisations.append(
            _candidate(
                self.t,
                "entity",
                statement,
                name,
                start,
                end,
                role=role,
                fields={"name": name, "role": role, "entity_type": "organisation"},
            )
        )

    def _merge_surnames(self) -> None:
        """ "Prime Minister Netanyahu" and "Benjamin Netanyahu" are one person: a one-word
        name that ends a longer one gives that person its roles."""
        for short in [p for p in self.people.values() if len(p.tokens) == 1]:
            full = [
                p for p in self.people.values() if len(p.tokens) > 1 and p.tokens[-1] == short.name
            ]
            if len(full) == 1:
                full[0].roles += short.roles
                full[0].metadata = full[0].metadata or short.metadata
                del self.people[short.name]

    def _find_speakers(self) -> None:
        """People named as the subject of a speech verb: "Ari Fleischer said"."""
        pattern = re.compile(rf"(?P<run>{_CAPRUN})(?:,{SP}[^,\n]{{2,160}},)?{SP}{_VERB}")
        for match in pattern.finditer(self.t.text):
            _, name = _split_title(match.group("run"))
            # "Oceanographer Pattiaratchi said": a known person's surname after a word of trade.
            if not _is_person_name(name):
                continue
            known = self.resolve_token(name.split()[-1])
            if known is None or len(known.tokens) == 1:
                self.people.setdefault(name, _Person(name))

    def _find_mentions(self) -> None:
        text = self.t.text
        for person in self.people.values():
            forms = [person.name]
            forms += [tok for tok in (person.tokens[-1], person.tokens[0]) if len(tok) > 2]
            taken: list[tuple[int, int]] = []  # sorted, not overlapping
            for form in forms:
                for match in re.finditer(rf"\b{re.escape(form)}\b", text):
                    a, b = match.span()
                    i = bisect.bisect_right(taken, (a, len(text) + 1)) - 1
                    if i >= 0 and taken[i][0] <= a < taken[i][1]:
                        continue  # "Kirby" inside "John Kirby": one mention
                    bisect.insort(taken, (a, b))
                    person.mentions.append((a, b, text[b : b + 2] in ("'s", "’s")))
            person.mentions.sort()

    def resolve_token(self, word: str) -> _Person | None:
        """The person a single name refers to ("Kirby", "Kim"): last name first, then first."""
        for position in (-1, 0):
            found = [p for p in self.people.values() if p.tokens[position] == word]
            if len(found) == 1:
                return found[0]
        return None

    def resolve_run(self, run: str) -> str | None:
        """The speaker a run of capitalised words names, or None."""
        if run in _PRONOUNS:
            return None
        _, name = _split_title(run)
        name = _POSSESSIVE.sub("", name)
        if not name:
            return None
        if name in self.people:
            return name
        if len(name.split()) == 1:
            person = self.resolve_token(name)
            if person is not None:
                return person.name
            return name if re.fullmatch(r"[A-Z]{2,6}", name) else None  # "KCNA said"
        for person in self.people.values():
            if person.name.endswith(name) or name.endswith(person.name):
                return person.name
        # A word of office before a known surname: "Oceanographer Pattiaratchi said".
        known = self.resolve_token(name.split()[-1])
        if known is not None:
            return known.name
        return name if _is_person_name(name) else None

    def nearest(self, pos: int) -> str | None:
        """The named person nearest before `pos` in its paragraph or the one before."""
        paragraph = self.t.paragraph_index(pos)
        best: tuple[int, str] | None = None
        for person in self.people.values():
            if person.entity_type != "person" or person.metadata:
                continue
            for a, _, possessive in person.mentions:
                if a >= pos or possessive:
                    continue
                if self.t.paragraph_index(a) in (paragraph, paragraph - 1) and (
                    best is None or a > best[0]
                ):
                    best = (a, person.name)
        return best[1] if best else None

    def entities(self) -> list[Candidate]:
        found: list[Candidate] = []
        for person in self.people.values():
            if not person.roles:
                continue
            if person.mentions and all(possessive for _, _, possessive in person.mentions):
                continue  # "Joe Biden's council": named in passing
            _, _, role, start, end = max(person.roles, key=lambda r: (r[0], -r[1]))
            fields: dict[str, Any] = {"name": person.name, "role": role, "entity_type": "person"}
            if person.metadata:
                fields["metadata"] = True
            found.append(
                _candidate(
                    self.t,
                    "entity",
                    f"{person.name} is {role}.",
                    person.name,
                    start,
                    end,
                    role=role,
                    fields=fields,
                )
            )
        return found + self.organisations


# --- dates ------------------------------------------------------------------------------------

_TIME = r"(?:(?:at{SP})?\d{1,2}:\d{2}{SP}?(?:a\.m\.|p\.m\.|am|pm)?{SP}(?:on{SP})?)".replace(
    "{SP}", SP
)
_FULL_DATE = re.compile(
    rf"(?P<prep>\b(?:on|in|since|by|until|from|of|during|before|after|as of){SP})?"
    rf"(?P<time>{_TIME})?(?P<date>(?:{_WEEKDAY},?{SP})?(?:{_MONTH}{SP}\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:,?{SP}(?P<y1>{_YEAR}))?|\d{{1,2}}{SP}{_MONTH}(?:{SP}(?P<y2>{_YEAR}))?|"
    rf"{_MONTH}{SP}(?P<y3>{_YEAR})))\b"
)
_YEAR_ALONE = re.compile(
    rf"(?P<prep>\b(?:in|since|by|until|from|of|during|before|after|as of|through){SP})?"
    rf"(?<![\d$€£,.\-])\b(?P<year>{_YEAR})\b(?![\d,.]\d|%|-\d|{SP}(?:percent|per cent))"
)
_ON_WEEKDAY = re.compile(rf"\b(?P<prep>on{SP})(?P<date>{_WEEKDAY})\b")
_DATELINE = re.compile(
    rf"(?m)^(?P<place>[A-Z][\w.\-’' ]+?),{SP}(?P<date>\d{{1,2}}{SP}{_MONTH}{SP}{_YEAR}|"
    rf"{_MONTH}{SP}\d{{1,2}}(?:,{SP}{_YEAR})?){SP}\((?P<agency>[^)]+)\){SP}?(?:--|—|-)"
)
_UPDATED = re.compile(r"(?i)^\s*(?:updated|published|posted)\b")


def _dates(t: _Text) -> list[Candidate]:
    text = t.text
    found: list[Candidate] = []
    taken = bytearray(len(text))  # the characters a date already holds
    years_seen: set[int] = set()

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    for match in _DATELINE.finditer(text):
        date = match.group("date")
        year = re.search(_YEAR, date)
        place = match.group("place")
        fields: dict[str, Any] = {"event": f"The report was filed from {place}.", "metadata": True}
        if year:
            fields["year"] = int(year.group(0))
        found.append(
            _candidate(
                t,
                "date",
                f"The report was filed from {place} on {date}.",
                date,
                match.start(),
                match.end("agency") + 1,
                fields=fields,
            )
        )
        taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())

    mentions: list[tuple[int, int, str | None, str, int | None, str]] = []
    for match in _FULL_DATE.finditer(text):
        year = match.group("y1") or match.group("y2") or match.group("y3")
        time = match.group("time")
        prep = match.group("prep")
        if time:  # "at 11:34 a.m. on June 20": the time goes with the date, the date answers
            prep = _tidy(f"{prep or ''} {time}") + " "
        mentions.append(
            (
                match.start("time") if time else match.start("date"),
                match.end("date"),
                prep,
                match.group("date"),
                int(year) if year else None,
                "full",
            )
        )
    for match in _YEAR_ALONE.finditer(text):
        mentions.append(
            (
                match.start("year"),
                match.end("year"),
                match.group("prep"),
                match.group("year"),
                int(match.group("year")),
                "year",
            )
        )
    for match in _ON_WEEKDAY.finditer(text):
        mentions.append(
            (match.start("date"), match.end("date"), "on ", match.group("date"), None, "weekday")
        )
    mentions.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    for start, end, prep, date, year, form in mentions:
        if len(found) >= MAX_CANDIDATES:
            break  # no more would be kept
        if not free(start, end):
            continue
        taken[start:end] = b"\x01" * (end - start)
        candidate = _date_candidate(t, start, end, prep, date, year, form, years_seen)
        if candidate is not None:
            found.append(candidate)
            if year is not None:
                years_seen.add(year)
    return found


_ATTRIBUTIVE = re.compile(r"\b(?:the|a|an|its|their|his|her)\s+$", re.IGNORECASE)
_MEASURE_AFTER = re.compile(r"\s+(?:[a-z]+s|people|percent|per cent)\b(?!\s+(?:of|treaty))")


def _date_candidate(
    t: _Text,
    start: int,
    end: int,
    prep: str | None,
    date: str,
    year: int | None,
    form: str,
    years_seen: set[int],
) -> Candidate | None:
    text = t.text
    before, after = text[max(0, start - 12) : start], text[end : end + 40]
    if form == "year" and _MEASURE_AFTER.match(after) and not _ATTRIBUTIVE.search(before):
        return None  # "2000 troops"
    s0, _ = t.sentence(start)
    fields: dict[str, Any] = {}
    if year is not None:
        fields["year"] = year
    if _UPDATED.match(text[s0:end]):
        fields["metadata"] = True
    attributive = form == "year" and _ATTRIBUTIVE.search(before) is not None
    if attributive:
        det = _ATTRIBUTIVE.search(before)
        assert det is not None
        det_start = start - (len(before) - det.start())
        title = re.match(rf"{SP}(?:[A-Z][\w’'.\-]*|of|and|for|on|the|between|,)+", after)
        next_word = re.match(r"\s+([A-Za-z]+)", after)
        if title and after.lstrip()[:1].isupper():
            # "the 1961 Treaty of Friendship, … between North Korea and the Soviet Union"
            np_end = _noun_phrase_end(text, end)
            phrase = _tidy(text[det_start:start] + text[end:np_end])
            event = _strip_years(phrase)
            return _candidate(
                t,
                "date",
                f"{_sentence_case(event)[:-1]} dates from {year}.",
                str(year),
                det_start,
                np_end,
                fields={"event": _sentence_case(event), **fields},
            )
        if next_word and year in years_seen:
            return None  # "the 2000 treaty" again: the fact is already drafted
    begin, finish, opener = _clause(t, start, end)
    cut_start = start - (len(prep) if prep and text[start - len(prep) : start] == prep else 0)
    remainder = text[begin:cut_start] + text[end:finish]
    if attributive:
        remainder = text[begin:start] + text[end:finish]
    subject = None
    if opener in {"that", "which", "who"} and text[begin:cut_start].strip():
        subject = _antecedent(t, begin - len(opener) - 1)
    participle = _PARTICIPLE.search(text[begin:finish])
    if participle and begin + participle.end("verb") <= start and subject is None:
        # "a new partnership treaty signed after a summit … on Wednesday"
        new_begin = begin + participle.start("np")
        if new_begin > begin:
            remainder = text[new_begin:cut_start] + text[end:finish]
            begin = new_begin
        np, verb = participle.group("np"), participle.group("verb")
        remainder = remainder.replace(f"{np} {verb}", f"{np} was {verb}", 1)
    event = _strip_years(_tidy(remainder))
    event = re.sub(r"^(?:during|following|at|amid)\s+", "", event)
    if subject:
        event = f"{_strip_years(subject)} {event}"
    # Too short, or only what follows the time ("7:20 a.m. EST, aboard …"): the sentence's.
    if len(event.split()) < 2 or event[:1].isdigit():
        event = _strip_years(_tidy(text[t.sentence(start)[0] : start] + text[end:finish]))
        event = _STORY_DATELINE.sub("", event)
    event = _without_dangling(event)
    when = f"{(prep or 'on ').strip()} {date}" if form != "year" or prep else date
    when = ("At " if when[0].isdigit() else "") + when[0].upper() + when[1:]  # "At 7:20 a.m. …"
    if attributive or (form == "year" and not prep) or (prep or "").strip() == "of":
        # "In the summer of 2022, …": the date belongs to the words before it.
        statement = _sentence_case(_tidy(text[begin:finish]))
    else:
        statement = f"{when}, {_lower_first(_tidy(event))}."
    fields["event"] = _sentence_case(event)
    return _candidate(t, "date", statement, date, begin, finish, fields=fields)


def _noun_phrase_end(text: str, pos: int) -> int:
    """Where a capitalised name and its "between X and Y" go on to."""
    match = re.match(
        rf"(?:{SP}|,{SP})?(?:(?:[A-Z][\w’'.\-]*|of|and|for|on|the|between|to|,)(?:{SP}|(?=,)|$))+",
        text[pos:],
    )
    end = pos + (match.end() if match else 0)
    while end > pos and text[end - 1] in " ,\u00a0":
        end -= 1
    words = text[pos:end].split()
    while words and words[-1] in {"of", "and", "for", "on", "the", "between", "to"}:
        end = pos + text[pos:end].rstrip().rfind(" ")
        words.pop()
    return end


_DANGLING = re.compile(
    r"^(?:In|On|At|By|Since|From|During|Of|Until)\s*,\s*|\s(?:in|on|at|by|since|from|of|during)"
    r"(?=[,.]|$)"
)


def _without_dangling(event: str) -> str:
    """Without the preposition a date left behind ("In, the House voted" -> "The House …")."""
    return _tidy(_DANGLING.sub("", event))


def _strip_years(words: str) -> str:
    """Without years: an event must not hold its own answer, nor another date's."""
    words = re.sub(rf"\b((?:the|a|an|its|their) ){_YEAR}\b ?", r"\1", words, flags=re.I)
    words = re.sub(
        rf",? ?\b(?:in|since|by|until|from|of|to|through) {_YEAR}\b,?", "", words, flags=re.I
    )
    return _tidy(re.sub(rf"\b{_YEAR}\b ?", "", words))


# --- quotations -------------------------------------------------------------------------------

_QUOTED = re.compile(r"[“\"]([^“”\"\n]+)[”\"]")
_PERSON_OR_PRONOUN = rf"(?:{_CAPRUN}|\b[Hh]e|\b[Ss]he|\b[Tt]hey)"
_AFTER_ATTRIBUTION = re.compile(
    rf"^\s*(?:{_VERB}{SP}(?P<run1>(?:{_PARTICLE}{SP})?{_CAPRUN})|(?:according{SP}to{SP})(?P<run3>{_CAPRUN})|"
    rf"(?:(?:[\w.’'\-]+{SP}){{0,6}}?)(?P<run2>{_PERSON_OR_PRONOUN})(?:,{SP}[^,\n]{{2,160}}?,?)?"
    rf"{SP}{_VERB})"
)
_BEFORE_ATTRIBUTION = re.compile(
    rf"(?P<run>{_PERSON_OR_PRONOUN})(?:,{SP}[^,\n]{{2,160}},)?{SP}{_VERB}"
    rf"(?:{SP}[^:,“”\"\n]{{0,200}}?)?\s*[:,]\s*$"
)


@dataclass
class _Quotation:
    open: int  # the opening mark
    close: int  # the closing mark
    speaker: str | None = None
    attribution_end: int | None = None  # after the quotation: "…,” Kirby added."
    attribution_start: int | None = None  # before it: "Powell said: “…”"


_SAID_BEFORE = re.compile(rf"(?P<run>{_CAPRUN}){SP}(?:said|added|told{SP}reporters)\.[”\"]?\s*$")


def _quotes(t: _Text, people: _People) -> list[Candidate]:
    text = t.text
    quotations: list[_Quotation] = []
    for match in _QUOTED.finditer(text):
        content = match.group(1).strip()
        if not content or not (content[0].isupper() or content[0].isdigit()):
            continue  # a word or phrase quoted inside a sentence ("“no surprise”")
        quote = _Quotation(match.start(), match.end() - 1)
        s0, s1 = t.sentence(match.start())
        after = text[match.end() : max(s1, match.end())]
        found = _AFTER_ATTRIBUTION.match(after)
        if found:
            run = found.group("run1") or found.group("run2") or found.group("run3")
            quote.speaker = _speaker(people, run, match.start())
            quote.attribution_end = max(s1, match.end())
        else:
            before = text[s0 : match.start()]
            found_before = _BEFORE_ATTRIBUTION.search(before)
            if found_before:
                quote.speaker = _speaker(people, found_before.group("run"), match.start())
                quote.attribution_start = s0 + found_before.start()
            elif content[-1] not in ".?!,":
                continue  # a phrase quoted, not a quotation
        quotations.append(quote)
    # A quotation without attribution goes on from the one before it: in its paragraph ("“A,”
    # Kirby added. “B”"), or in the paragraph before when it opens its own.
    for i, quote in enumerate(quotations):
        if quote.speaker:
            continue
        # Right after a sentence that ends "…, Indyk said.": the same speaker goes on.
        said = _SAID_BEFORE.search(text[max(0, quote.open - 200) : quote.open])
        if said:
            quote.speaker = _speaker(people, said.group("run"), quote.open)
            if quote.speaker:
                continue
        if i == 0:
            continue
        previous = quotations[i - 1]
        here, there = t.paragraph_index(quote.open), t.paragraph_index(previous.open)
        opens_paragraph = t.paragraphs[here][0] == quote.open if t.paragraphs else False
        if here == there or (here == there + 1 and opens_paragraph):
            quote.speaker = previous.speaker
    found: list[Candidate] = []
    for quote in quotations:
        if quote.speaker:
            found += _quoted_sentences(t, quote)
    return found


def _speaker(people: _People, run: str, pos: int) -> str | None:
    if run.endswith(".") and not re.search(r"\b[A-Z]\.$", run):
        run = run[:-1]  # the sentence's full stop ("…,” said Jane Doe.")
    if run in _PRONOUNS:
        return people.nearest(pos)
    return people.resolve_run(run)


def _quoted_sentences(t: _Text, quote: _Quotation) -> list[Candidate]:
    """One candidate a quoted sentence; the first and last keep their attribution."""
    text = t.text
    content_start = quote.open + 1
    content = text[content_start : quote.close]
    pieces = split_sentences(content)
    found = []
    for i, (a, b) in enumerate(pieces):
        start, end = content_start + a, content_start + b
        words = text[start:end]
        if words.endswith(","):
            words = words[:-1] + "."
        words = _sentence_case(words)
        if i == 0:
            start = quote.open if quote.attribution_start is None else quote.attribution_start
        if i == len(pieces) - 1:
            end = quote.close + 1 if quote.attribution_end is None else quote.attribution_end
        direct = words[:1].isupper()
        speaker = quote.speaker or ""
        found.append(
            _candidate(
                t,
                "quote",
                f"{speaker} said: “{words}”",
                speaker,
                start,
                end,
                speaker=speaker,
                fields={"speaker_name": speaker, "words": words, "direct": direct},
            )
        )
    return found


_REPORTED = re.compile(
    rf"(?P<run>{_PERSON_OR_PRONOUN})(?P<app>,{SP}[^,\n]{{2,160}},)?{SP}"
    rf"(?P<verb>{_VERB}(?:(?<=told)(?:{SP}[\w’']+){{1,4}}?(?={SP}that\b))?)"
    rf"(?:{SP}(?:on{SP})?{_WEEKDAY})?"
    rf"(?:{SP}(?:in|at|on|during|after|before|with|to|outside){SP}[^,;:“”\"\n]{{1,120}}?"
    rf"(?={SP}that\b))?(?:{SP}that)?{SP}(?P<clause>[a-z“\"])"
)
_TRAILING = re.compile(
    rf",{SP}(?:[\w.’'\-]+{SP}){{0,4}}?(?P<run>{_PERSON_OR_PRONOUN}){SP}"
    rf"(?P<verb>said|says|added|told(?:{SP}[\w.’'\-]+){{1,3}}?)(?:{SP}on{SP}{_WEEKDAY})?(?=[,.]|$)"
)
_REPORT_END = re.compile(r",\s(?=while|whereas|although|though)|;|:\s|\s[—–]\s|\s--\s")


def _reported(t: _Text, people: _People, quoted: list[tuple[int, int]]) -> list[Candidate]:
    """Reported speech of a person: "Putin said that the treaty …", "…, Guajardo said"."""
    text = t.text
    found: list[Candidate] = []

    def inside_quote(pos: int) -> bool:
        return any(a <= pos < b for a, b in quoted)

    for s0, s1 in t.sentences:
        sentence = text[s0:s1]
        for match in _REPORTED.finditer(sentence):
            if inside_quote(s0 + match.start()):
                continue
            speaker = _speaker(people, match.group("run"), s0 + match.start())
            if speaker is None or speaker not in people.people:
                continue
            clause_start = s0 + match.start("clause")
            stop = _REPORT_END.search(sentence, match.start("clause"))
            clause_end = s0 + (stop.start() if stop else len(sentence))
            clause_start, clause_end = _span(text, clause_start, clause_end)
            words = text[clause_start:clause_end].rstrip(".")
            if len(words.split()) < 3 or inside_quote(clause_start):
                continue
            verb = match.group("verb").split()[0]
            verb = "said" if verb == "told" else verb
            run_start = s0 + match.start("run")
            found.append(
                _candidate(
                    t,
                    "quote",
                    _sentence_case(f"{speaker} {verb} {words}"),
                    speaker,
                    run_start,
                    clause_end,
                    speaker=speaker,
                    fields={
                        "speaker_name": speaker,
                        "words": _sentence_case(words),
                        "direct": False,
                    },
                )
            )
        for match in _TRAILING.finditer(sentence):
            if inside_quote(s0 + match.start()) or sentence[: match.start()].endswith(("”", '"')):
                continue
            speaker = _speaker(people, match.group("run"), s0 + match.start("run"))
            if speaker is None or speaker not in people.people:
                continue
            words = _tidy(sentence[: match.start()])
            if len(words.split()) < 3 or re.search(r"[“”\"]", words[:1]):
                continue
            found.append(
                _candidate(
                    t,
                    "quote",
                    _sentence_case(f"{speaker} said {_lower_first(words)}"),
                    speaker,
                    s0,
                    s0 + match.end(),
                    speaker=speaker,
                    fields={
                        "speaker_name": speaker,
                        "words": _sentence_case(words),
                        "direct": False,
                    },
                )
            )
    return found


# --- acronyms ---------------------------------------------------------------------------------

_ACRONYM = r"[A-Z][A-Z&]{1,7}s?"


def _initials(words: list[str], acronym: str) -> bool:
    """Whether the words' initials spell the acronym (small words may be skipped; a
    hyphenated word gives one letter or one per part)."""
    letters = acronym.rstrip("s").replace("&", "").upper()

    def spell(i: int, j: int) -> bool:
        if j == len(letters):
            return i == len(words)
        if i == len(words):
            return False
        word = words[i].strip("’'.,()[]")
        if word.lower() in _STOP_INITIALS and spell(i + 1, j):
            return True
        parts = [p for p in re.split(r"[-\u2010-\u2015]", word) if p]
        options = [word[:1]]
        if len(parts) > 1:
            options.append("".join(p[:1] for p in parts))
        for option in options:
            n = len(option)
            if option.upper() == letters[j : j + n] and spell(i + 1, j + n):
                return True
        return False

    return bool(words) and spell(0, 0)


def _expansion_before(words: list[str], acronym: str) -> int | None:
    """How many of the last `words` spell the acronym (the fewest that do), or None."""
    for n in range(1, min(len(words), 12) + 1):
        tail = words[-n:]
        if tail[0].lower() in _STOP_INITIALS:
            continue
        if _initials(tail, acronym):
            return n
    return None


def _variants(expansion: str) -> list[str]:
    """The singular of a plural head ("weapons of mass destruction" -> "weapon of …")."""
    words = expansion.split()
    head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    word = words[head]
    if word.islower() and word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        singular = word[:-1]
        return [" ".join([*words[:head], singular, *words[head + 1 :]])]
    return []


def _definitions(t: _Text, people: _People) -> list[Candidate]:
    text = t.text
    found: dict[str, Candidate] = {}

    def add(term: str, expansion: str, start: int, end: int) -> None:
        term = term.rstrip("s") if term.endswith("s") and term[:-1].isupper() else term
        if term in found:
            return
        expansion = _tidy(expansion)
        found[term] = _candidate(
            t,
            "definition",
            f"{term} stands for {expansion}.",
            expansion,
            start,
            end,
            fields={"term": term, "expansion": expansion, "variants": _variants(expansion)},
        )

    # "the Korean Central News Agency, or KCNA" and "the World Health Organization (WHO)"
    for match in re.finditer(rf"(?:,{SP}or{SP}|{SP}\()(?P<acr>{_ACRONYM})(?P<close>\))?", text):
        acronym = match.group("acr")
        if match.group(0).lstrip().startswith("(") and not match.group("close"):
            continue
        if acronym in found:
            continue
        # An expansion is a dozen words at most: the few hundred characters before will do.
        line_start = max(text.rfind("\n", 0, match.start()) + 1, match.start() - 300)
        preceding = text[line_start : match.start()]
        words = list(re.finditer(r"\S+", preceding))
        n = _expansion_before([w.group(0) for w in words], acronym)
        if n is None:
            continue
        start = line_start + words[-n].start()
        expansion = text[start : match.start()]
        if not all(w[:1].isupper() for w in expansion.split() if w.lower() not in _STOP_INITIALS):
            continue
        add(acronym, expansion, start, match.end())
        _organisation_of_acronym(t, people, acronym, expansion, start, match.end())
    # "DPRK, the Democratic People’s Republic of Korea," and "WMD [weapons of mass destruction]"
    after = re.compile(
        rf"\b(?P<acr>{_ACRONYM}),{SP}(?:the{SP})?(?P<words>[^,.;\n]+)|"
        rf"\b(?P<acr2>{_ACRONYM}){SP}?[\[(](?P<words2>[^\])\n]+)[\])]"
    )
    for match in after.finditer(text):
        acronym = match.group("acr") or match.group("acr2")
        phrase = match.group("words") if match.group("acr") else match.group("words2")
        phrase_start = match.start("words") if match.group("acr") else match.start("words2")
        words = phrase.split()
        for n in range(1, min(len(words), 12) + 1):
            if words[n - 1].lower() in _STOP_INITIALS:
                continue
            if _initials(words[:n], acronym):
                end = phrase_start + len(" ".join(words[:n]))
                end = end + 1 if match.group("acr2") else end
                add(acronym, " ".join(words[:n]), match.start(), end)
                break
    # A name in full before its short form: "Intermediate-Range Nuclear Forces Treaty" … "INF
    # Treaty", or "National Security Council" … "NSC".
    # Each name run once (runs of capitals in text written in capitals are no names).
    runs = [
        full
        for full in re.finditer(
            rf"(?P<name>[A-Z][\w’'\-]*(?:{SP}(?:(?:of|and|for|on|the){SP})*[A-Z][\w’'\-]*)+)", text
        )
        if len(full.group("name").split()) <= 12 and not full.group("name").isupper()
    ]
    tried: set[tuple[str, str | None]] = set()
    for match in re.finditer(rf"\b(?P<acr>[A-Z]{{2,6}})\b(?:{SP}(?P<noun>[A-Z][a-z]+))?", text):
        acronym, noun = match.group("acr"), match.group("noun")
        if acronym in found or (acronym, noun) in tried or _in_capitals(text, match.start()):
            continue
        tried.add((acronym, noun))
        for full in runs:
            if full.end() > match.start():
                break
            spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", full.group("name"))]
            words = full.group("name").split()
            core = words[:-1] if noun and words[-1] == noun else words
            # The words that spell it: a tail of the run first ("… Nuclear Forces Treaty"),
            # then any stretch of it ("General Electric" of "General Electric and Safran").
            windows = [(len(core) - n, len(core)) for n in range(len(core), 1, -1)]
            if core is words:
                windows += [(i, j) for j in range(len(core) - 1, 1, -1) for i in range(0, j - 1)]
            for i, j in windows:
                if core[i].lower() in _STOP_INITIALS or core[j - 1].lower() in _STOP_INITIALS:
                    continue  # "The Intermediate-Range …": the article is not the name
                if _initials(core[i:j], acronym):
                    tail = j == len(core)
                    phrase = " ".join(core[i:j] + ([noun] if noun and core is not words else []))
                    start = full.start() + spans[i][0]
                    end = full.start() + (len(full.group("name")) if tail else spans[j - 1][1])
                    short = acronym + (f" {noun}" if noun and core is not words else "")
                    near = t.paragraph_index(match.start()) - t.paragraph_index(start) <= 1
                    if near and match.end() - start <= 400:
                        end = match.end() if short != acronym else match.end("acr")
                    add(short if core is not words else acronym, phrase, start, end)
                    break
            if (short := acronym) in found or f"{acronym} {noun}" in found:
                break
    return list(found.values())


def _in_capitals(text: str, at: int) -> bool:
    """Whether the words around `at` are written in capitals (a headline, a shout): there an
    acronym is not told from any other word."""
    around = text[max(0, at - 30) : at + 30]
    return sum(c.isupper() for c in around) > sum(c.islower() for c in around)


def _organisation_of_acronym(
    t: _Text, people: _People, acronym: str, expansion: str, start: int, end: int
) -> None:
    """ "North Korea’s state-run Korean Central News Agency, or KCNA": an organisation, with
    what the words before its name say it is (never its expansion, the definition's answer)."""
    words = expansion.split()
    if words[-1].lower() not in _ORG_END_WORDS:
        return
    line_start = t.text.rfind("\n", 0, start) + 1
    before = t.text[line_start:start]
    mods = re.search(
        r"((?:(?:[A-Z][\w.\-]*\s+){0,2}[A-Z][\w.\-]*[’']s\s+)?"
        r"(?:[a-z]+-[a-z]+\s+|[A-Z][a-z]+(?:an|ese|ish)\s+){1,3})$",
        before,
    )
    if mods is None:
        return
    kind = " ".join(w.lower() for w in words[-2:]) if len(words) >= 3 else words[-1].lower()
    role = _tidy(mods.group(1)) + " " + kind
    people._organisation(acronym, role, line_start + mods.start(1), end)


# --- numbers ----------------------------------------------------------------------------------

_SMALL = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_WORD_NUMBERS = {
    **{w: i + 1 for i, w in enumerate(_SMALL)},
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a dozen": 12, "dozens": 24, "a hundred": 100,
    "a thousand": 1000,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
# Units that make even "two" a fact: time, money, distance, weight, shares.
MEASURES = (
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|percent|per cent|%|"
    r"percentage points?|km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|tons?|tonnes?|kg|"
    r"kilograms?|pounds|dollars|euros|yuan|yen|rubles|roubles|won|barrels|acres|hectares|"
    r"degrees|times)"
)
# Plurals without an s that count things ("162 people", "21 aircraft").
_UNCOUNTED = r"(?:people|aircraft|children|men|women|police|personnel|staff|crew|cattle|sheep)"
_NUMBER = re.compile(
    rf"(?P<minus>\bminus{SP})?(?P<cur>[$€£¥])?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    rf"\b(?:{'|'.join(sorted(_WORD_NUMBERS, key=len, reverse=True))}))\b"
    rf"(?:{SP}(?P<scale>thousand|million|billion|trillion)\b)?"
    rf"(?:{SP}(?P<unit>(?:(?:square|cubic|nautical){SP}){{1,2}}[a-z]+s\b|"
    rf"degrees{SP}(?:Fahrenheit|Celsius)\b|{MEASURES}\b|%|"
    rf"{_UNCOUNTED}\b|[a-z][a-z\-]+s\b))?",
    re.IGNORECASE,
)
_RANGE = re.compile(
    rf"\b(?:between|from)(?:{SP}about)?{SP}(?P<low>\d[\d,.]*)(?:{SP}(?P<s1>million|billion))?"
    rf"{SP}(?:and|to){SP}(?P<high>\d[\d,.]*)(?:{SP}(?P<s2>million|billion))?{SP}(?P<unit>[a-z]+s)\b"
)
_CONVERSION_BEFORE = re.compile(r"\d[\d,.]*\s?[a-z%]*\s\((?:[\d,.]+\s(?:to|and)\s)?$")
_NOT_UNITS = frozenset(
    {
        "is", "was", "has", "its", "this", "his", "as", "us", "yes", "less", "unless", "pass",
        "plus", "minus", "thus", "across", "always", "perhaps", "whereas", "besides",
        "towards", "afterwards", "others", "sides",
    }
)  # fmt: skip
_IDENTIFIER_BEFORE = re.compile(
    r"(?:Article|No\.|Section|Resolution|Chapter|Flight|Route|Highway|Room|Act|Protocol|"
    r"Amendment|Paragraph|Rule|Level|Phase|Stage|Page|Vol\.|number)\s*$"
)


def _number_value(num: str) -> float:
    key = num.lower()
    if key in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[key])
    return float(num.replace(",", ""))


def _numbers(t: _Text, taken_dates: list[tuple[int, int]]) -> list[Candidate]:
    text = t.text
    found: list[Candidate] = []
    # The characters a number or a date already holds: an overlap is a look at a few of them.
    covered = bytearray(len(text))
    for s, e in taken_dates:
        covered[s:e] = b"\x01" * (e - s)

    def clash(a: int, b: int) -> bool:
        return any(covered[a:b])

    for match in _RANGE.finditer(text):
        unit = match.group("unit")
        if unit in _NOT_UNITS:
            continue
        low, high = match.group("low"), match.group("high")
        answer = f"{low} to {high} {unit}"
        value = _number_value(low)
        counts = f"{unit}, from {low} to {high}"
        found.append(_number(t, answer, value, unit, counts, match.start(), match.end()))
        covered[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    for match in _NUMBER.finditer(text):
        if len(found) >= MAX_CANDIDATES:
            break  # no more would be kept
        a, b = match.span()
        num, unit = match.group("num"), match.group("unit")
        if clash(a, b) or not num or (re.fullmatch(_YEAR, num) and not match.group("cur")):
            continue
        if (
            text[b : b + 1] == ":"
            or text[max(0, a - 1) : a] in (":", "-", "/")
            or (text[b : b + 1] in ("-", "/") and text[b + 1 : b + 2].isdigit())
        ):
            continue  # a time, a score, a ratio
        if _IDENTIFIER_BEFORE.search(text[max(0, a - 12) : a]):
            continue  # "Article 51"
        if _CONVERSION_BEFORE.search(text[max(0, a - 40) : a]):
            continue  # "50 km (31 miles)": the same figure in other units
        before = text[max(0, a - 10) : a].lower()
        if re.search(r"\b(?:the|these|those|both|all|its|their|our|his|her)\s+$", before):
            continue  # "the two countries": a reference, not a quantity
        cur, scale = match.group("cur"), match.group("scale")
        if unit is not None and unit.lower() in _NOT_UNITS:
            unit = None
        measure = unit is not None and re.fullmatch(MEASURES, unit, re.IGNORECASE) is not None
        small_word = num.lower() in _SMALL or num.lower() in {"a dozen", "dozens"}
        if small_word and not (measure or cur):
            continue
        if not (cur or unit):
            continue
        if num.lower() == "one" and text[b : b + 4] == " of ":
            continue
        value = _number_value(num)
        if match.group("minus"):
            value = -value
        unit_words = []
        if scale:
            unit_words.append(scale.lower())
        if cur:
            unit_words.append(_CURRENCY[cur])
        elif unit:
            unit_words.append(unit)
        unit_text = " ".join(unit_words) or None
        end = b
        counts = _counts(text, end, unit, cur, a)
        answer = _tidy(text[a:end])
        found.append(_number(t, answer, value, unit_text, counts, a, end))
        covered[a:b] = b"\x01" * (b - a)
    return found


def _counts(text: str, end: int, unit: str | None, cur: str | None, start: int) -> str:
    """What a number counts: "loans" in "$3.2 billion in loans", "time after the last
    meeting" in "two months after the last meeting"."""
    rest = text[end : end + 120]
    phrase = re.match(
        r"\s+(?P<rel>in|of|for|after|before|since|later|earlier|ago|on)\b(?P<np>[^,.;:\n“”\"]{0,60})",
        rest,
    )
    if phrase:
        np = " ".join(phrase.group("np").split()[:6])
        rel = phrase.group("rel")
        if rel in {"after", "before", "since", "later", "earlier", "ago"}:
            return _tidy(f"time {rel} {np}")
        if cur or unit is None or rel in {"in", "of"}:
            return _tidy(np) or (unit or "")
    before = text[max(0, start - 40) : start]
    over = re.search(r"(?:(?P<np>\w+)\s+)?(?:over|for|within)\s+$", before)
    if over and unit:
        return _tidy(f"{unit} of {over.group('np') or ''}".strip())
    return unit or ""


def _segment(t: _Text, start: int, end: int) -> tuple[int, int]:
    """The stretch between the commas around [start, end) ("just two months after the last
    meeting"), when it says enough (four words or more); else the clause."""
    s0, s1 = t.sentence(start)
    text = t.text
    left = max(text.rfind(", ", s0, start), text.rfind(";", s0, start))
    begin = left + 1 if left >= 0 else s0
    right = [i for i in (text.find(stop, end, s1) for stop in (", ", ";", ",”", ',"')) if i >= 0]
    finish = min(right) if right else s1
    begin, finish = _span(text, begin, finish)
    finish = finish - 1 if finish == s1 and text[finish - 1] == "." else finish
    if len(text[begin:finish].split()) < 4:
        begin, finish, _ = _clause(t, start, end)
    return begin, finish


def _plain(words: str) -> str:
    """A statement from a passage: no quotation marks, no "…,” Terry added" at its end."""
    words = re.sub(rf",?[”\"]\s*{_CAPRUN}\s+{_VERB}.*$", "", words)
    return _sentence_case(re.sub(r"[“”\"]", "", words))


def _number(
    t: _Text, answer: str, value: float, unit: str | None, counts: str, start: int, end: int
) -> Candidate:
    clause = _plain(t.text[slice(*_clause(t, start, end)[:2])])
    begin, finish = _segment(t, start, end)
    fields: dict[str, Any] = {
        "value": int(value) if value.is_integer() else value,
        "unit": unit,
        "counts": counts or (unit or "quantity"),
    }
    return _candidate(t, "number", clause, answer, begin, finish, fields=fields)


# --- lists ------------------------------------------------------------------------------------

_ITEM = r"(?:the )?[A-Z][\w’'.\-]*(?: [A-Z][\w’'.\-]*){0,3}"
_LIST = re.compile(rf"(?P<items>{_ITEM}(?:, {_ITEM})+,? (?:and|or) {_ITEM})")


def _lists(t: _Text) -> list[Candidate]:
    text = t.text
    found = []
    for match in _LIST.finditer(text):
        items = [
            _tidy(i)
            for i in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", match.group("items"))
        ]
        # The sentence's full stop is not part of the last name ("Peru and Bolivia.").
        items = [
            i[:-1] if i.endswith(".") and not re.search(r"\b[A-Z]\.$", i) else i for i in items
        ]
        items = [i for i in items if i]
        if len(items) < 3 or len(set(items)) < len(items):
            continue
        if any(i.split()[-1] in MONTHS or i.split()[-1] in WEEKDAYS for i in items):
            continue
        before = text[max(0, match.start() - 30) : match.start()]
        if re.search(r"[A-Z][\w’'\-]*\s+of\s+$", before):
            continue  # "Treaty of Friendship, Good Neighborliness, and Cooperation": a title
        if items[0].split()[0] in {"The", "In", "On", "At", "By", "For", "After", "But"}:
            items[0] = items[0].split(" ", 1)[1] if " " in items[0] else items[0]
        begin, finish, _ = _clause(t, match.start(), match.end())
        of = _tidy(text[begin : match.start()] + "…" + text[match.end() : finish])
        found.append(
            _candidate(
                t,
                "list",
                _sentence_case(text[begin:finish]),
                ", ".join(items),
                begin,
                finish,
                fields={"items": items, "of": of},
            )
        )
    return found


# --- all together -----------------------------------------------------------------------------


# Past these, a stretch of text is no prose a teacher would quiz (a table flattened, a list of
# links, a word repeated): it is left out of the drafting, which keeps the drafting's cost
# linear in the text (the rules look around each match within its sentence).
MAX_SENTENCE_CHARS = 1_000
MAX_WORD_CHARS = 60
# A teacher reviews a few dozen facts of an article; past this many, the first are kept.
MAX_CANDIDATES = 400
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def _drafting_text(text: str) -> str:
    """`text` with over-long words and sentences blanked out (as line breaks: offsets stay)."""
    chars = list(text)
    for match in _LONG_WORD.finditer(text):
        chars[match.start() : match.end()] = "\n" * (match.end() - match.start())
    masked = "".join(chars)
    for start, end in split_sentences(masked):
        if end - start > MAX_SENTENCE_CHARS:
            chars[start:end] = "\n" * (end - start)
    return "".join(chars)


def extract_candidates(text: str) -> list[Candidate]:
    """The facts a teacher may want from `text`, in text order, each once, at most
    MAX_CANDIDATES. Nothing is drafted from words over 60 characters or sentences over 1,000
    (see MAX_SENTENCE_CHARS)."""
    drafting = _drafting_text(text)
    found = extract_candidates_of_prose(drafting)
    if drafting != text:
        found = [c for c in found if text[c.evidence_start : c.evidence_end] == c.evidence_text]
    return found[:MAX_CANDIDATES]


def extract_candidates_of_prose(text: str) -> list[Candidate]:
    t = _Text(text)
    people = _People(t)
    dates = _dates(t)
    quotes = _quotes(t, people)
    quoted = [(c.evidence_start, c.evidence_end) for c in quotes]
    quotes += _reported(t, people, quoted)
    definitions = _definitions(t, people)
    date_spans = [(c.evidence_start, c.evidence_end) for c in dates]
    numbers = _numbers(t, _date_words(t, dates) if date_spans else [])
    candidates = dates + quotes + definitions + people.entities() + numbers + _lists(t)
    return _unique(candidates)


def _date_words(t: _Text, dates: list[Candidate]) -> list[tuple[int, int]]:
    """Where the dates themselves stand (not their clauses): numbers must not take them."""
    spans = []
    for c in dates:
        for match in re.finditer(re.escape(c.answer), t.text[c.evidence_start : c.evidence_end]):
            spans.append((c.evidence_start + match.start(), c.evidence_start + match.end()))
    return spans


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[Any, ...]] = set()
    found = []
    for c in sorted(candidates, key=_order):
        key = (c.kind, c.evidence_start, c.evidence_end, c.answer)
        words = c.fields.get("words")
        if c.kind == "quote":
            key = ("quote", c.speaker, _tidy(str(words)).lower())
        if key in seen or not c.evidence_text:
            continue
        seen.add(key)
        found.append(c)
    return found


def _order(c: Candidate) -> tuple[int, int, int]:
    return (c.evidence_start, KIND_ORDER.index(c.kind), c.evidence_end)


def iter_kinds(candidates: list[Candidate], kind: str) -> Iterator[Candidate]:
    """The candidates of one kind, in text order."""
    return (c for c in candidates if c.kind == kind)
