"""Fixed texts of the web pages in Dutch and English."""

from __future__ import annotations

from weerbaar.domain import Language

TEXTS: dict[str, tuple[str, str]] = {  # key: (nl, en)
    "app": ("weerbaar — werkbank nationale veiligheid", "weerbaar — national security workbench"),
    "login": ("Inloggen", "Log in"), "logout": ("Uitloggen", "Log out"),
    "username": ("Gebruikersnaam", "User name"), "password": ("Wachtwoord", "Password"),
    "login_failed": ("Onjuiste gebruikersnaam of wachtwoord.", "Wrong user name or password."),
    "dashboard": ("Overzicht", "Dashboard"), "cycle": ("Cyclus", "Cycle"),
    "scenarios": ("Scenario's", "Scenarios"), "scenario": ("Scenario", "Scenario"),
    "reviews": ("Thema-evaluaties", "Theme reviews"), "measures": ("Maatregelen", "Measures"),
    "search": ("Zoeken", "Search"), "no_hits": ("Niets gevonden.", "Nothing found."),
    "marking": ("Rubricering", "Marking"), "kind": ("Soort", "Kind"),
    "sessions": ("Expertsessies", "Expert sessions"), "compare": ("Vergelijken", "Compare"),
    "profiles": ("Methodeprofielen", "Method profiles"), "report": ("Rapport", "Report"),
    "theme": ("Thema", "Theme"), "interest": ("Belang", "Interest"),
    "type": ("Soort", "Type"), "all": ("alle", "all"), "hazard": ("gevaar", "hazard"),
    "threat": ("dreiging", "threat"), "ranges": ("onzekerheid (OG–BG)", "uncertainty (LL–UL)"),
    "residual": ("restrisico na maatregelen", "residual after measures"),
    "parent": ("vorige cyclus", "parent cycle"), "impact": ("Impact", "Impact"),
    "likelihood": ("Waarschijnlijkheid", "Likelihood"), "criterion": ("Criterium", "Criterion"),
    "ev": ("VW", "EV"), "ll": ("OG", "LL"), "ul": ("BG", "UL"),
    "reasoning": ("Onderbouwing", "Reasoning"), "edit": ("Bewerken", "Edit"),
    "save": ("Opslaan", "Save"), "history": ("Geschiedenis", "History"),
    "revision": ("Versie", "Revision"), "who": ("Wie", "Who"), "when": ("Wanneer", "When"),
    "why": ("Waarom", "Why"), "reason": ("Reden van de wijziging", "Reason for the change"),
    "conflict": ("Iemand anders heeft dit intussen opgeslagen. Uw invoer staat hieronder; "
                 "vergelijk met de huidige waarden en sla opnieuw op.",
                 "Someone else saved this in the meantime. Your input is kept below; compare "
                 "with the current values and save again."),
    "current": ("huidig", "current"), "saved": ("Opgeslagen.", "Saved."),
    "summary": ("Korte samenvatting", "Short summary"),
    "threat_part": ("Ontwikkeling van de dreiging en de risico's",
                    "Development of the threat and the risks"),
    "resilience": ("Ontwikkeling van de weerbaarheid", "Development of resilience"),
    "approach": ("Ontwikkeling van de aanpak", "Development of the approach"),
    "comprehensive": ("Is er een integrale aanpak?", "Is there a comprehensive approach?"),
    "more_resilient": ("Maakt die aanpak ons weerbaarder gezien de dreiging?",
                       "Does that approach make us more resilient given the threat?"),
    "verdict": ("Oordeel over de aanpak", "Approach verdict"),
    "evidence": ("Onderbouwend materiaal (één per regel: soort:verwijzing)",
                 "Evidence (one per line: kind:reference)"),
    "open_session": ("Sessie openen", "Open session"), "experts": ("Experts", "Experts"),
    "submit": ("Indienen", "Submit"), "facilitator": ("Facilitator", "Facilitator"),
    "spread": ("Spreiding per criterium", "Spread per criterion"),
    "agreed": ("Vastgestelde score", "Agreed score"), "close": ("Sessie afsluiten", "Close session"),
    "submitted": ("Ingediend", "Submitted"), "waiting": ("wacht op", "waiting for"),
    "hidden": ("De scores van anderen ziet u nadat u zelf hebt ingediend.",
               "You see the others' scores after you have submitted your own."),
    "status": ("Status", "Status"), "owner": ("Eigenaar", "Owner"), "title": ("Titel", "Title"),
    "add": ("Toevoegen", "Add"), "effect": ("Verwacht effect", "Expected effect"),
    "base": ("Basis", "Base"), "changes": ("Wijzigingen", "Changes"),
    "download": ("Downloaden", "Download"), "language": ("Taal", "Language"),
    "forbidden": ("Geen toegang", "Not allowed"), "error": ("Fout", "Error"),
    "provisional": ("berust op voorlopige waarden", "rests on provisional values"),
    "skip": ("Naar de inhoud", "Skip to content"), "none": ("geen", "none"),
    "horizon": ("Horizonscan", "Horizon scan"), "signals": ("signalen", "signals"),
    "trends": ("Trends per thema", "Trends per theme"), "trend": ("Trend", "Trend"),
    "strength": ("Sterkte", "Strength"),
    "cascade": ("Keteneffecten vitale processen", "Cascade effects of vital processes"),
    "outage": ("Uitval van", "Outage of"), "hours": ("uren", "hours"),
    "time_to_impact": ("Tijd tot impact", "Time to impact"), "process": ("Proces", "Process"),
    "timeline": ("Verloop in de tijd", "Timeline"), "graph": ("Afhankelijkheden", "Dependencies"),
    # accounts and re-authentication (web/admin.py)
    "users": ("Gebruikers", "Users"), "display_name": ("Naam", "Name"),
    "roles": ("Rollen", "Roles"), "role": ("Rol", "Role"), "admin": ("beheerder", "administrator"),
    "grant": ("Rol toekennen", "Grant role"), "clearance": ("Rubricering", "Clearance"),
    "disabled": ("geblokkeerd", "disabled"), "active": ("actief", "active"),
    "disable": ("Blokkeren", "Disable"), "enable": ("Deblokkeren", "Enable"),
    "reset_password": ("Nieuw wachtwoord instellen", "Set a new password"),
    "new_password": ("Nieuw wachtwoord", "New password"),
    "new_user": ("Nieuwe gebruiker", "New user"),
    "reauth": ("Bevestig uw wachtwoord", "Confirm your password"),
    "reauth_why": ("Voor het beheer van gebruikers is een recente bevestiging van uw wachtwoord "
                   "nodig.", "Managing users needs a recent confirmation of your password."),
    "reauth_failed": ("Onjuist wachtwoord.", "Wrong password."),
    "confirm": ("Bevestigen", "Confirm"),
    # changing one's own password (web/account.py)
    "change_password": ("Wachtwoord wijzigen", "Change password"),
    "current_password": ("Huidig wachtwoord", "Current password"),
    "repeat_password": ("Nieuw wachtwoord (herhalen)", "New password (again)"),
    "password_rule": ("Minstens {n} tekens.", "At least {n} characters."),
    "password_forced": ("Kies eerst een nieuw wachtwoord: uw huidige is eenmalig of door een "
                        "beheerder ingesteld.", "Choose a new password first: your current one "
                        "is a one-time password or was set by an administrator."),
    "password_wrong": ("Onjuist huidig wachtwoord.", "Wrong current password."),
    "password_short": ("Een wachtwoord heeft minstens {n} tekens nodig.",
                       "A password needs at least {n} characters."),
    "password_same": ("Het nieuwe wachtwoord moet verschillen van het huidige.",
                      "The new password must differ from the current one."),
    "password_mismatch": ("De twee nieuwe wachtwoorden verschillen.",
                          "The two new passwords differ."),
}


def translator(lang: Language) -> dict[str, str]:
    index = 0 if lang == "nl" else 1
    return {key: pair[index] for key, pair in TEXTS.items()}
