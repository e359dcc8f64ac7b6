"""``weerbaar users add|grant|revoke|list|reset-2fa|two-factor``: local accounts, their roles
and clearances per cycle, and two-factor login."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import ActorOption, DbOption, Lang, LangOption, open_db, operator, out
from weerbaar.cli.words import plain, words, yes_if
from weerbaar.domain import ALL_CYCLES

users_app = typer.Typer(help="Local user accounts and their roles per cycle.",
                        no_args_is_help=True)


@users_app.command("add")
def users_add(username: str,
              admin: Annotated[bool, typer.Option("--admin")] = False,
              display_name: Annotated[str | None, typer.Option("--name")] = None,
              password: Annotated[str | None, typer.Option(
                  "--password", help="Omit to be asked (recommended).")] = None,
              must_change: Annotated[bool | None, typer.Option(
                  "--must-change-password/--keep-password",
                  help="Whether the user must choose a new password at their first login "
                  "(default: yes, except for the first account of an empty database).")] = None,
              db: DbOption = None, actor: ActorOption = None, lang: LangOption = Lang.en) -> None:
    """Add a local user. The password must meet the password policy (at least 12 characters,
    not a common, repetitive or sequential one, not containing the user name)."""
    from weerbaar.services.accounts import add_user

    t = words(lang)
    store = open_db(db)
    if password is None:
        password = getpass.getpass(t("password for {user}: ", user=username))
    user = add_user(store, operator(actor), username, password, display_name=display_name,
                    is_admin=admin, must_change_password=must_change)
    out.print(t("user {user} added (to choose a new password at the first login)", user=username)
              if user.must_change_password else t("user {user} added", user=username),
              highlight=False, markup=False)


@users_app.command("grant")
def users_grant(username: str, role: str,
                cycle: Annotated[str, typer.Option(
                    "--cycle", help="Cycle key, or * for every cycle.")] = ALL_CYCLES,
                clearance: Annotated[str | None, typer.Option(
                    "--clearance", help="Highest marking the user may see on the cycle "
                    "(default: the classification scheme's default marking).")] = None,
                db: DbOption = None, actor: ActorOption = None,
                lang: LangOption = Lang.en) -> None:
    """Give a user a role (viewer, expert, analyst, coordinator, admin) and a clearance on a
    cycle."""
    from weerbaar.services.accounts import grant
    from weerbaar.services.classification import current_scheme

    store = open_db(db)
    viewer = operator(actor)
    user = grant(store, viewer, username, role, cycle=cycle, clearance=clearance)
    every = cycle == ALL_CYCLES
    cleared = user.clearance_for(None if every else cycle, current_scheme(store, viewer))
    t = words(lang)
    out.print(t("{user} is {role} on {where}, cleared to {marking}", user=username,
                role=t.pgettext("role", role),
                where=t("every cycle") if every else cycle, marking=cleared),
              highlight=False, markup=False)


@users_app.command("revoke")
def users_revoke(username: str,
                 cycle: Annotated[str, typer.Option(
                     "--cycle", help="Cycle key, or * for the grant on every cycle.")],
                 db: DbOption = None, actor: ActorOption = None,
                 lang: LangOption = Lang.en) -> None:
    """Take away a user's role and clearance on a cycle (their login sessions see it at
    once)."""
    from weerbaar.services.accounts import revoke

    t = words(lang)
    user = revoke(open_db(db), operator(actor), username, cycle=cycle)
    left = ", ".join(f"{k}: {t.pgettext('role', v.value)}"
                     for k, v in sorted(user.roles.items())) or t("none")
    where = t("every cycle (*)") if cycle == ALL_CYCLES else cycle
    out.print(t("{user} has no role on {where} any more (roles left: {roles})", user=username,
                where=where, roles=left), highlight=False, markup=False)


@users_app.command("list")
def users_list(db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """List users and their roles."""
    from weerbaar.services.accounts import list_users
    from weerbaar.services.classification import current_scheme

    store = open_db(db)
    viewer = operator()
    users = list_users(store, viewer)
    scheme = current_scheme(store, viewer)
    t = words(lang)
    table = Table(title=t("Users"), title_justify="left")
    for col in ("user", "name", "administrator", "roles (clearance)", "two-factor"):
        table.add_column(t(col))
    for u in users:
        roles = ", ".join(f"{k}: {t.pgettext('role', v.value)} "
                          f"({u.clearances.get(k, scheme.default)})"
                          for k, v in sorted(u.roles.items()))
        table.add_row(plain(u.username), plain(u.display_name or ""), yes_if(t, u.is_admin),
                      plain(roles), t("on") if u.two_factor else "")
    out.print(table)


@users_app.command("reset-2fa")
def users_reset_two_factor(username: str, db: DbOption = None,
                           actor: ActorOption = None, lang: LangOption = Lang.en) -> None:
    """Reset a user's two-factor login (a lost phone): the key and the recovery codes are
    removed and the user's login sessions end. A user whose clearance requires two-factor
    login sets it up again at the next login."""
    from weerbaar.services.two_factor import reset_two_factor

    t = words(lang)
    was_on = reset_two_factor(open_db(db), operator(actor), username)
    out.print(t("two-factor login of {user} reset; their login sessions have ended",
                user=username) if was_on else
              t("{user} had no two-factor login (their login sessions have ended)",
                user=username), highlight=False, markup=False)


@users_app.command("two-factor")
def users_two_factor(
        required_from: Annotated[str | None, typer.Option(
            "--from", help="Require two-factor login of everyone cleared for this marking or "
            "higher on any cycle; 'off': of nobody for their clearance.")] = None,
        admins: Annotated[bool | None, typer.Option(
            "--admins/--no-admins", help="Require it of administrators too.")] = None,
        db: DbOption = None, actor: ActorOption = None, lang: LangOption = Lang.en) -> None:
    """Show or set who must have two-factor login (default: everyone cleared for the
    classification scheme's audit-reads-from marking, confidential, or higher)."""
    from weerbaar.services.two_factor import requirement, set_requirement

    store = open_db(db)
    viewer = operator(actor)
    found = requirement(store, viewer)
    if required_from is not None or admins is not None:
        found = set_requirement(
            store, viewer, required_from if required_from is not None else
            found.required_from, admins=admins if admins is not None else found.admins)
    t = words(lang)
    who = (t("everyone cleared for {marking} or higher on any cycle",
             marking=found.required_from)
           if found.required_from is not None else t("nobody for their clearance"))
    out.print(t("two-factor login is required of {who}", who=who)
              + (t(", and of administrators") if found.admins else "")
              + (" " + t("(the default)") if not found.stored else ""), highlight=False,
              markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


__all__ = ["register"]
