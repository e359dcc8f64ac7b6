"""The password policy, after NIST SP 800-63B (5.1.1.2, memorized secrets).

A new password needs at least :data:`MIN_PASSWORD` and at most :data:`MAX_PASSWORD` characters
(any characters, spaces included; no rules about kinds of characters, no expiry) and is refused
when it is easy to guess:

- a common password: one of the 10,000 most common ones (``weerbaar/data/passwords``), also
  after lower-casing, undoing common substitutions (``p@ssw0rd``) and taking off leading and
  trailing digits and punctuation (``Dragon2024!``);
- repetitive or sequential: a repeated pattern (``aaaaaaaaaaaa``, ``hello123hello123``), or
  made almost entirely of runs along the alphabet, the digits or the keyboard
  (``123456789012``, ``abcdefghijkl``, ``qwertyuiopas``);
- context-specific: it contains the user name (of 3 characters or more) or the name of the
  service.

:func:`password_problem` says which rule a password breaks (``None``: none) as an English
message id with its values, which the faces translate; :func:`check_password_policy` raises it
as :class:`~weerbaar.errors.InvalidInput` naming the field. A check takes well under a
millisecond.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise

from weerbaar.domain.limits import PASSWORD_MAX
from weerbaar.errors import InvalidInput

MIN_PASSWORD = 12
MAX_PASSWORD = PASSWORD_MAX
CONTEXT_WORDS = ("weerbaar",)  # the name of the service
USERNAME_CHECKED_FROM = 3  # shorter user names ("ed") occur in ordinary words
MAX_BREAKS = 3  # a password with at most this many breaks in its runs is predictable

# ordered runs people type: a step forwards or backwards along one of them is predictable
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiopasdfghjklzxcvbnm",
         "azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
_STEPS = frozenset((run[i], run[i + 1]) for run in _RUNS for i in range(len(run) - 1)) | \
    frozenset((run[i + 1], run[i]) for run in _RUNS for i in range(len(run) - 1))
_LEET = (str.maketrans("@4310$5!7+", "aaeiossitt"), str.maketrans("@4310$5!7+", "aaelossitt"))
_EDGES = string.digits + string.punctuation + " "


@dataclass(frozen=True)
class PasswordProblem:
    """The rule a password breaks: ``message`` is the English message id (with ``{n}``-style
    fields from ``values``) the pages translate; ``detail`` the English text of the API and the
    command line."""

    rule: str  # too-short, too-long, common, predictable, user-name, service-name
    message: str
    detail: str
    values: dict[str, object] = field(default_factory=dict)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (lower case)."""
    path = resources.files("weerbaar.data.passwords") / "common-passwords.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip())


def _variants(password: str) -> set[str]:
    lowered = password.lower()
    found = {lowered, *(lowered.translate(t) for t in _LEET)}
    base = lowered.strip(_EDGES)
    if base and base != lowered:
        found |= {base, *(base.translate(t) for t in _LEET)}
    return found


def is_common(password: str) -> bool:
    """One of the common passwords, also lower-cased, with substitutions undone or with its
    leading and trailing digits and punctuation taken off."""
    listed = common_passwords()
    return any(v in listed for v in _variants(password))


def _periodic(text: str) -> bool:
    """``text`` repeats a shorter pattern throughout (``abcabcabcabc``)."""
    n = len(text)
    return any(text == (text[:p] * (n // p + 1))[:n] for p in range(1, n // 2 + 1))


def is_predictable(password: str) -> bool:
    """Repetitive or sequential: a repeated pattern, or at most MAX_BREAKS places where the
    next character neither repeats the previous one nor steps along the alphabet, the digits
    or a keyboard row or column."""
    text = password.lower()
    if _periodic(text):
        return True
    breaks = sum(1 for a, b in pairwise(text)
                 if a != b and (a, b) not in _STEPS)
    return breaks <= MAX_BREAKS


def password_problem(password: str, *, username: str | None = None) -> PasswordProblem | None:
    """The first rule of the policy that ``password`` breaks, or None when it meets them all."""
    if len(password) < MIN_PASSWORD:
        return PasswordProblem("too-short", "A password needs at least {n} characters.",
                               f"a password needs at least {MIN_PASSWORD} characters",
                               {"n": MIN_PASSWORD})
    if len(password) > MAX_PASSWORD:
        return PasswordProblem("too-long", "A password has at most {n} characters.",
                               f"a password has at most {MAX_PASSWORD} characters",
                               {"n": MAX_PASSWORD})
    lowered = password.lower()
    if username is not None and len(username) >= USERNAME_CHECKED_FROM and \
            username.lower() in lowered:
        return PasswordProblem("user-name", "A password must not contain the user name.",
                               "a password must not contain the user name")
    if any(word in lowered for word in CONTEXT_WORDS):
        return PasswordProblem("service-name",
                               "A password must not contain the name of this application.",
                               "a password must not contain the name of this application")
    if is_common(password):
        return PasswordProblem("common", "This password is too common; choose another one.",
                               "this password is too common (it is on the list of the most "
                               "used passwords); choose another one")
    if is_predictable(password):
        return PasswordProblem(
            "predictable",
            "This password is too predictable (repeated or consecutive characters).",
            "this password is too predictable: it repeats a pattern or runs along the "
            "alphabet, the digits or the keyboard")
    return None


def check_password_policy(password: str, *, field: str = "password",
                          username: str | None = None) -> None:
    """Refuse a password that breaks the policy: InvalidInput naming ``field`` and the rule."""
    problem = password_problem(password, username=username)
    if problem is not None:
        raise InvalidInput(problem.detail, location=[field])


__all__ = ["CONTEXT_WORDS", "MAX_PASSWORD", "MIN_PASSWORD", "PasswordProblem",
           "check_password_policy", "common_passwords", "is_common", "is_predictable",
           "password_problem"]
