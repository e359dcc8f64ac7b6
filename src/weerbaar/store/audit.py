"""The append-only, hash-chained and signed audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON, so a
modified, deleted or reordered entry breaks the chain. ``audit_head`` holds the last hash and the
number of entries; writers lock that row, so concurrent writers on PostgreSQL append in a
well-defined order.

There are two chains of the same shape: the *audit log* of changes (``audit_log``/``audit_head``)
and the *read log* (``read_log``/``read_head``) of reads of content marked at or above the
classification scheme's ``audit_reads_from``. Reads have a chain of their own so they do not
change :func:`head`, the token caches of derived data key on.

**Signatures** (migration 0008). A hash chain alone can be recomputed by anyone who can write
the database. So every entry also carries an HMAC-SHA256 of its hash made with the **audit key**,
a secret kept outside the database (:func:`load_key`: ``WEERBAAR_AUDIT_KEY``, or the file named
by ``WEERBAAR_AUDIT_KEY_FILE``, default ``$XDG_DATA_HOME/weerbaar/audit.key``), and the head row
carries an HMAC of (number of entries, last hash, ``unsigned_count``) and the id of the key. The
entries written before 0008 carry no HMAC; ``unsigned_count`` (set by the migration, covered by
the head's HMAC) says how many there are, and their hashes are still checked.

What the key cannot show — the last entries deleted together with the head rewound to an earlier
signed state — an **anchor** shows: a signed checkpoint of both heads (:class:`AuditAnchor`) kept
outside the database; :func:`check` with the anchor requires the database still to hold the
anchored entries and the chain to continue validly from them.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from weerbaar.errors import AuditChainBroken, InvalidInput
from weerbaar.store.schema import audit_head, audit_log, read_head, read_log

GENESIS = "0" * 64
SIGNED_FROM = "0008"
"""The migration from which entries carry an HMAC."""
KEY_ENV = "WEERBAAR_AUDIT_KEY"
KEY_FILE_ENV = "WEERBAAR_AUDIT_KEY_FILE"
MIN_KEY_LENGTH = 32
ANCHOR_FORMAT = "weerbaar.audit-anchor/1"
MAX_ANCHOR_BYTES = 64 * 1024
_DOMAIN = "weerbaar-audit/1"  # first line of every signed message


@dataclass(frozen=True)
class Chain:
    """One hash-chained, append-only log and the row holding its head."""

    name: str
    log: Table
    head: Table


CHANGES = Chain("audit log", audit_log, audit_head)
READS = Chain("read log", read_log, read_head)
CHAINS = (CHANGES, READS)


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    canonical = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def canonical(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The fields of an entry its hash covers, as hashed."""
    at = row["at"]
    if isinstance(at, datetime):
        at = at.isoformat(timespec="microseconds").replace("+00:00", "")
    return {"at": at, "actor": row["actor"], "action": row["action"],
            "entity_type": row["entity_type"], "entity_key": row["entity_key"],
            "cycle_key": row["cycle_key"], "revision": row["revision"],
            "detail": row["detail"]}


# -- the audit key -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditKey:
    """The secret that signs the chains; ``source`` says where it came from (never the key)."""

    secret: bytes = field(repr=False)
    source: str

    @property
    def id(self) -> str:
        """A short public name of the key (reveals nothing of it): HMAC of a fixed text."""
        return hmac_lib.new(self.secret, b"weerbaar audit key id", hashlib.sha256).hexdigest()[:16]

    def sign(self, *parts: str) -> str:
        message = "\n".join((_DOMAIN, *parts)).encode("utf-8")
        return hmac_lib.new(self.secret, message, hashlib.sha256).hexdigest()


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def key_file(env: Mapping[str, str] | None = None) -> Path:
    """Where the audit key file is: ``WEERBAAR_AUDIT_KEY_FILE``, default
    ``$XDG_DATA_HOME/weerbaar/audit.key`` (``~/.local/share/weerbaar/audit.key``)."""
    env = _env(env)
    if env.get(KEY_FILE_ENV):
        return Path(env[KEY_FILE_ENV]).expanduser()
    base = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else Path.home() / ".local/share"
    return base / "weerbaar" / "audit.key"


def _parse_key(text: str, source: str) -> AuditKey:
    value = text.strip()
    if len(value) < MIN_KEY_LENGTH:
        raise InvalidInput(f"the audit key is too short ({len(value)} characters)", source=source,
                           expected=f"at least {MIN_KEY_LENGTH} characters, e.g. the 64 hex "
                           "digits of `openssl rand -hex 32`")
    return AuditKey(value.encode("utf-8"), source)


def load_key(env: Mapping[str, str] | None = None) -> AuditKey | None:
    """The audit key: ``WEERBAAR_AUDIT_KEY`` (the key itself), else the key file
    (:func:`key_file`); ``None`` when neither exists. A key file that others may read or write
    (POSIX permissions beyond 0600) or a key shorter than 32 characters is refused."""
    env = _env(env)
    if env.get(KEY_ENV):
        return _parse_key(env[KEY_ENV], KEY_ENV)
    path = key_file(env)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if os.name == "posix" and mode & 0o077:
        raise InvalidInput("the audit key file may be read or written by other users",
                           source=path, expected=f"permissions 0600 (chmod 600 {path})")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the audit key file cannot be read: {exc}", source=path,
                           expected="a text file holding the key") from None
    return _parse_key(text, str(path))


def ensure_key(env: Mapping[str, str] | None = None) -> tuple[AuditKey, bool]:
    """The audit key, created when there is none (a new random key in :func:`key_file`,
    permissions 0600, its folder 0700 when new); ``True`` with a key that was created now."""
    existing = load_key(env)
    if existing is not None:
        return existing, False
    path = key_file(env)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    created = True
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_hex(32) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(temporary, path)  # atomic; never replaces a key another process made
            except FileExistsError:
                created = False
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create the audit key file: {exc.strerror or exc}",
                           source=path, expected=f"a folder this user may write, or {KEY_ENV} "
                           f"or {KEY_FILE_ENV} set") from None
    key = load_key(env)
    assert key is not None
    return key, created


def missing_key_text(env: Mapping[str, str] | None = None) -> str:
    return (f"no audit key: set {KEY_ENV} to the key, or {KEY_FILE_ENV} to the key file, "
            f"or put the key file at {key_file(env)}")


def require_key(env: Mapping[str, str] | None = None) -> AuditKey:
    """The audit key; :class:`~weerbaar.errors.AuditChainBroken` (nothing can be signed) when
    there is none."""
    key = load_key(env)
    if key is None:
        raise AuditChainBroken(f"the audit log cannot be signed: {missing_key_text(env)} "
                               "(`weerbaar db upgrade` creates one for a new database)")
    return key


def entry_mac(key: AuditKey, chain: Chain, digest: str) -> str:
    """The HMAC of an entry: over its chain and its hash (which covers its content and, through
    the previous hash, everything before it)."""
    return key.sign("entry", chain.log.name, digest)


def head_mac(key: AuditKey, chain: Chain, count: int, last_hash: str, unsigned_count: int) -> str:
    """The HMAC of a chain's head."""
    return key.sign("head", chain.log.name, str(count), last_hash, str(unsigned_count))


def _mismatch(chain: Chain, key_id: str, key: AuditKey) -> str:
    return (f"key mismatch: the {chain.name} is signed with the audit key {key_id}, but the key "
            f"in use ({key.source}) is {key.id}; use this database's key ({KEY_ENV} or "
            f"{KEY_FILE_ENV})")


# -- appending ---------------------------------------------------------------------------------


def append(conn: Connection, *, at: datetime, actor: str, action: str, entity_type: str,
           entity_key: str, cycle_key: str | None = None, revision: int | None = None,
           detail: dict[str, Any] | None = None, chain: Chain = CHANGES) -> str:
    """Append one entry inside the caller's transaction; returns its hash."""
    return append_many(conn, [{
        "at": at, "actor": actor, "action": action, "entity_type": entity_type,
        "entity_key": entity_key, "cycle_key": cycle_key, "revision": revision,
        "detail": detail}], chain=chain)


def append_many(conn: Connection, rows: list[dict[str, Any]], *,
                chain: Chain = CHANGES) -> str:
    """Append entries in order inside the caller's transaction; returns the last hash.

    Each row has the keys at, actor, action, entity_type, entity_key, cycle_key, revision,
    detail. The chain's head is locked once for the whole batch. Every entry and the new head
    are signed with the audit key; without the key, or with another key than the one the chain
    is signed with, nothing is written (:class:`~weerbaar.errors.AuditChainBroken`).
    """
    head = conn.execute(
        select(chain.head.c.last_hash, chain.head.c.count, chain.head.c.unsigned_count,
               chain.head.c.key_id).where(chain.head.c.id == 1).with_for_update()
    ).mappings().one()
    last = str(head["last_hash"])
    if not rows:
        return last
    key = require_key()
    if head["key_id"] is not None and head["key_id"] != key.id:
        raise AuditChainBroken(f"nothing was written: {_mismatch(chain, head['key_id'], key)}")
    records = []
    for row in rows:
        entry = {**row, "at": row["at"].replace(tzinfo=None)}
        digest = entry_hash(last, canonical(entry))
        records.append({**entry, "prev_hash": last, "hash": digest,
                        "hmac": entry_mac(key, chain, digest)})
        last = digest
    count = int(head["count"]) + len(records)
    conn.execute(insert(chain.log), records)
    conn.execute(update(chain.head).where(chain.head.c.id == 1).values(
        last_hash=last, count=count, key_id=key.id,
        hmac=head_mac(key, chain, count, last, int(head["unsigned_count"]))))
    return last


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_key: str
    cycle_key: str | None
    revision: int | None
    detail: dict[str, Any] | None


def entries(conn: Connection, *, cycle_key: str | None = None, limit: int | None = None,
            chain: Chain = CHANGES) -> list[AuditEntry]:
    log = chain.log
    query = select(log).order_by(log.c.id)
    if cycle_key is not None:
        query = query.where(log.c.cycle_key == cycle_key)
    if limit is not None:
        query = query.limit(limit)
    return [AuditEntry(id=r.id, at=r.at, actor=r.actor, action=r.action,
                       entity_type=r.entity_type, entity_key=r.entity_key,
                       cycle_key=r.cycle_key, revision=r.revision, detail=r.detail)
            for r in conn.execute(query)]


def export_rows(conn: Connection, *, cycle_key: str | None = None,
                chain: Chain = CHANGES) -> list[dict[str, Any]]:
    """Every entry with its hashes and HMAC, in order (optionally of one cycle), for export."""
    query = select(chain.log).order_by(chain.log.c.id)
    if cycle_key is not None:
        query = query.where(chain.log.c.cycle_key == cycle_key)
    return [dict(r) for r in conn.execute(query).mappings()]


def head(conn: Connection) -> tuple[str, int]:
    """The chain's last hash and length. Every write appends to the chain, so this pair changes
    with every change to the database: a cheap token for caches of derived data."""
    row = conn.execute(select(audit_head.c.last_hash, audit_head.c.count)
                       .where(audit_head.c.id == 1)).first()
    return (str(row[0]), int(row[1])) if row is not None else (GENESIS, 0)


# -- anchors -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorPoint:
    """One chain at the moment of an anchor: its number of entries, the hash of the last one,
    and how many were written before migration 0008."""

    count: int
    hash: str
    unsigned_count: int

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "hash": self.hash, "unsigned_count": self.unsigned_count}


@dataclass(frozen=True)
class AuditAnchor:
    """A signed checkpoint of both chains' heads, to keep outside the database.

    The JSON document (``to_json``)::

        {"format": "weerbaar.audit-anchor/1", "database": "sqlite:///…",
         "created_at": "2026-12-05T10:00:00Z", "key_id": "…",
         "chains": {"audit_log": {"count": 812, "hash": "…", "unsigned_count": 0},
                    "read_log": {"count": 40, "hash": "…", "unsigned_count": 0}},
         "hmac": "…"}

    ``hmac`` is HMAC-SHA256 with the audit key over the canonical JSON of everything else.
    """

    database: str
    created_at: str
    key_id: str
    chains: Mapping[str, AnchorPoint]
    hmac: str

    def body(self) -> dict[str, Any]:
        return {"format": ANCHOR_FORMAT, "database": self.database,
                "created_at": self.created_at, "key_id": self.key_id,
                "chains": {name: point.to_dict() for name, point in self.chains.items()}}

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hmac": self.hmac}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def signed(cls, key: AuditKey, *, database: str, created_at: datetime,
               chains: Mapping[str, AnchorPoint]) -> AuditAnchor:
        at = created_at.astimezone(UTC) if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        unsigned = cls(database, at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                       key.id, dict(chains), "")
        return cls(unsigned.database, unsigned.created_at, unsigned.key_id, unsigned.chains,
                   _anchor_mac(key, unsigned.body()))

    @classmethod
    def from_json(cls, text: str, source: str) -> AuditAnchor:
        """Read an anchor document; a malformed one is :class:`~weerbaar.errors.InvalidInput`
        naming ``source`` and the key (the signature is checked by :func:`check`)."""
        if len(text) > MAX_ANCHOR_BYTES:
            raise InvalidInput("the file is too large for an anchor", source=source,
                               expected=f"at most {MAX_ANCHOR_BYTES} bytes")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not JSON: {exc.msg}", source=source, line=exc.lineno,
                               expected="an anchor written by `weerbaar audit anchor`") from None

        def need(value: Any, kind: type | tuple[type, ...], where: list[str | int],
                 expected: str) -> Any:
            if not isinstance(value, kind) or isinstance(value, bool):
                raise InvalidInput("missing or of the wrong type", source=source,
                                   location=where or None, expected=expected)
            return value

        need(data, dict, [], "a JSON object written by `weerbaar audit anchor`")
        if data.get("format") != ANCHOR_FORMAT:
            raise InvalidInput(f"unknown format {str(data.get('format'))[:60]!r}", source=source,
                               location=["format"], expected=repr(ANCHOR_FORMAT))
        texts = {name: need(data.get(name), str, [name], "a text")
                 for name in ("database", "created_at", "key_id", "hmac")}
        chains = need(data.get("chains"), dict, ["chains"],
                      "the chains audit_log and read_log")
        points: dict[str, AnchorPoint] = {}
        for chain in CHAINS:
            name = chain.log.name
            point = need(chains.get(name), dict, ["chains", name],
                         "count, hash and unsigned_count")
            count = need(point.get("count"), int, ["chains", name, "count"], "a whole number")
            digest = need(point.get("hash"), str, ["chains", name, "hash"], "64 hex digits")
            unsigned = need(point.get("unsigned_count"), int,
                            ["chains", name, "unsigned_count"], "a whole number")
            if count < 0 or unsigned < 0 or len(digest) != 64:
                raise InvalidInput("not a chain position", source=source,
                                   location=["chains", name],
                                   expected="counts of 0 or more and a hash of 64 hex digits")
            points[name] = AnchorPoint(count, digest, unsigned)
        unknown = set(chains) - set(points)
        if unknown:
            raise InvalidInput(f"unknown chain {sorted(unknown)[0][:60]!r}", source=source,
                               location=["chains"], expected="audit_log and read_log")
        return cls(texts["database"], texts["created_at"], texts["key_id"], points,
                   texts["hmac"])


def _anchor_mac(key: AuditKey, body: Mapping[str, Any]) -> str:
    return key.sign("anchor", json.dumps(body, sort_keys=True, separators=(",", ":")))


# -- verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainCheck:
    """One chain verified: its entries, how many carry no HMAC (written before migration
    0008; checked by their hashes only), its last hash, and the problems found."""

    chain: Chain
    count: int
    unsigned: int
    last_hash: str
    problems: tuple[str, ...]

    def point(self) -> AnchorPoint:
        return AnchorPoint(self.count, self.last_hash, self.unsigned)


def _short(digest: str) -> str:
    return f"{digest[:12]}…"


def _runs(failures: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """(position, id) pairs grouped into runs of consecutive positions."""
    runs: list[list[tuple[int, int]]] = []
    for item in failures:
        if runs and runs[-1][-1][0] == item[0] - 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _entries_text(run: list[tuple[int, int]]) -> str:
    if len(run) == 1:
        return f"entry {run[0][1]}"
    return f"entries {run[0][1]} to {run[-1][1]} ({len(run)} entries)"


def verify_chain(conn: Connection, chain: Chain, key: AuditKey | None = None, *,
                 anchor: AuditAnchor | None = None) -> ChainCheck:
    """Check one chain: every entry follows the one before and matches its hash; with the key,
    every entry after the first ``unsigned_count`` carries the right HMAC and so does the head;
    the head matches the last entry; with an anchor, the anchored entry is still there with the
    anchored hash (and the rest of the chain continues from it, as checked above)."""
    problems: list[str] = []
    head_row = conn.execute(select(chain.head).where(chain.head.c.id == 1)).mappings().first()
    unsigned_count = int(head_row["unsigned_count"]) if head_row is not None else 0
    key_id = head_row["key_id"] if head_row is not None else None
    signing = key  # without a key no HMAC is checked (``check`` reports that once)
    if key is not None and key_id is not None and key_id != key.id:
        problems.append(f"{_mismatch(chain, key_id, key)}; no HMAC was checked")
        signing = None
    point = anchor.chains.get(chain.log.name) if anchor is not None else None
    anchored = f"the anchor of {anchor.created_at}" if anchor is not None else ""

    prev = GENESIS
    position = 0
    bad_macs: list[tuple[int, int]] = []
    no_macs: list[tuple[int, int]] = []
    for r in conn.execute(select(chain.log).order_by(chain.log.c.id)).mappings():
        position += 1
        if r["prev_hash"] != prev:
            problems.append(f"entry {r['id']}: does not follow the previous entry "
                            "(an entry was deleted or reordered)")
        if entry_hash(r["prev_hash"], canonical(r)) != r["hash"]:
            problems.append(f"entry {r['id']}: content does not match its hash (modified)")
        if signing is not None:
            if r["hmac"] is None:
                if position > unsigned_count:
                    no_macs.append((position, r["id"]))
            elif not hmac_lib.compare_digest(str(r["hmac"]),
                                             entry_mac(signing, chain, str(r["hash"]))):
                bad_macs.append((position, r["id"]))
        if point is not None and position == point.count and r["hash"] != point.hash:
            problems.append(
                f"entry {r['id']} (number {position}) has the hash {_short(r['hash'])}, "
                f"{anchored} recorded {_short(point.hash)}: the {chain.name} up to the anchor "
                "was changed (entries forged, deleted or replaced, or the hashes recomputed)")
        prev = r["hash"]
    for run in _runs(bad_macs):
        problems.append(f"{_entries_text(run)}: the HMAC does not match (forged, or the "
                        "hashes recomputed without the audit key)")
    for run in _runs(no_macs):
        problems.append(f"{_entries_text(run)}: no HMAC, though written after migration "
                        f"{SIGNED_FROM} (forged, or the HMAC removed)")

    if head_row is None:
        problems.append("the chain's head is missing (deleted)")
    else:
        if head_row["last_hash"] != prev or head_row["count"] != position:
            problems.append(
                f"the chain's head ({head_row['count']} entries, last "
                f"{_short(head_row['last_hash'])}) does not match its last entry ({position} "
                f"entries, last {_short(prev)}): entries were removed from the end, or the head "
                "was changed")
        if unsigned_count > position:
            problems.append(f"the head counts {unsigned_count} entries from before migration "
                            f"{SIGNED_FROM}, but the {chain.name} holds {position}")
        if signing is not None:
            expected = head_mac(signing, chain, int(head_row["count"]),
                                str(head_row["last_hash"]), unsigned_count)
            if head_row["hmac"] is None or not hmac_lib.compare_digest(
                    str(head_row["hmac"]), expected):
                problems.append("the chain's head does not carry its HMAC: it was changed "
                                "outside weerbaar (rewound, or its count of unsigned entries "
                                "changed)")
    if point is not None:
        if position < point.count:
            problems.append(
                f"{anchored} recorded {point.count} entries, the {chain.name} holds {position}: "
                "entries were deleted from the end or the log was truncated")
        if point.unsigned_count != unsigned_count:
            problems.append(
                f"the head counts {unsigned_count} entries from before migration "
                f"{SIGNED_FROM}, the anchor {point.unsigned_count}: the head was changed")
    return ChainCheck(chain, position, min(unsigned_count, position), prev, tuple(problems))


def check_anchor(anchor: AuditAnchor, key: AuditKey | None) -> list[str]:
    """Problems with the anchor itself: signed with another key, or altered."""
    if key is None:
        return ["the anchor's signature was not checked (no audit key)"]
    if anchor.key_id != key.id:
        return [f"key mismatch: the anchor of {anchor.created_at} is signed with the audit key "
                f"{anchor.key_id}, but the key in use ({key.source}) is {key.id}"]
    if not hmac_lib.compare_digest(anchor.hmac, _anchor_mac(key, anchor.body())):
        return [f"the anchor of {anchor.created_at} does not match its HMAC: the anchor file "
                "was altered"]
    return []


def check(conn: Connection, key: AuditKey | None, *,
          anchor: AuditAnchor | None = None) -> tuple[list[str], list[ChainCheck]]:
    """Both chains checked (with an anchor, against it too): the problems (the read log's
    prefixed ``read log``; the anchor's own first) and each chain's result."""
    problems = check_anchor(anchor, key) if anchor is not None else []
    if key is None:
        problems.append(f"{missing_key_text()}; the HMACs were not checked, so a chain "
                        "recomputed by someone without the key would go unnoticed")
    results = [verify_chain(conn, chain, key, anchor=anchor) for chain in CHAINS]
    for result in results:
        prefix = "read log " if result.chain is READS else ""
        problems += [f"{prefix}{p}" for p in result.problems]
    return problems, results


def verify(conn: Connection, key: AuditKey | None = None) -> list[str]:
    """Problems in both chains (empty when intact): modified, deleted, reordered or forged
    entries, a rewound head. ``key``: default the audit key of the environment
    (:func:`load_key`). Problems in the read log are prefixed ``read log``."""
    return check(conn, key if key is not None else load_key())[0]


def make_anchor(results: list[ChainCheck], key: AuditKey, *, database: str,
                at: datetime) -> AuditAnchor:
    """The signed anchor of verified chains."""
    return AuditAnchor.signed(key, database=database, created_at=at,
                              chains={r.chain.log.name: r.point() for r in results})


def read_anchor(path: Path) -> AuditAnchor:
    """The anchor in the file ``path``; a missing, unreadable or malformed file is
    :class:`~weerbaar.errors.InvalidInput` naming it."""
    try:
        if path.stat().st_size > MAX_ANCHOR_BYTES:
            raise InvalidInput("the file is too large for an anchor", source=path,
                               expected=f"at most {MAX_ANCHOR_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput("file not found", source=path,
                           expected="an anchor written by `weerbaar audit anchor`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the file: {exc}", source=path,
                           expected="an anchor written by `weerbaar audit anchor`") from None
    return AuditAnchor.from_json(text, str(path))
