"""publiccode.yml, the metadata catalogues of public software (developer.overheid.nl) read, checked
against the rules of the publiccode.yml standard 0.4 (https://yml.publiccode.tools: the keys it
requires, their types, lengths, dates, the controlled vocabularies of categories, scopes,
platforms, statuses and software types) written below as a JSON schema, and against
pyproject.toml and the project's own catalogues for the name, version, licence, Python version
and languages."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel import Locale, UnknownLocaleError
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
PUBLICCODE = ROOT / "publiccode.yml"

# The standard's controlled vocabularies (docs/standard/categories-list.rst, scope-list.rst and
# schema.core.rst of the standard, version 0.4).
CATEGORIES = [
    "accounting", "agile-project-management", "applicant-tracking", "application-development",
    "appointment-scheduling", "backup", "billing-and-invoicing", "blog", "budgeting",
    "business-intelligence", "business-process-management", "cad", "call-center-management",
    "cloud-management", "collaboration", "communications", "compliance-management",
    "contact-management", "content-management", "crm", "customer-service-and-support",
    "data-analytics", "data-collection", "data-visualization", "design", "design-system",
    "digital-asset-management", "digital-citizenship", "document-management", "donor-management",
    "e-commerce", "e-signature", "educational-content", "email-management", "email-marketing",
    "employee-management", "enterprise-project-management", "enterprise-social-networking", "erp",
    "event-management", "facility-management", "feedback-and-reviews-management",
    "financial-reporting", "fleet-management", "fundraising", "gamification",
    "geographic-information-systems", "grant-management", "graphic-design", "help-desk", "hr",
    "ide", "identity-management", "instant-messaging", "inventory-management",
    "it-asset-management", "it-development", "it-management", "it-security",
    "it-service-management", "knowledge-management", "learning-management-system", "marketing",
    "mind-mapping", "mobile-marketing", "mobile-payment", "network-management", "office",
    "online-booking", "online-community", "payment-gateway", "payroll", "predictive-analysis",
    "procurement", "productivity-suite", "project-collaboration", "project-management",
    "property-management", "real-estate-management", "remote-support", "resource-management",
    "sales-management", "seo", "service-desk", "social-media-management", "survey",
    "talent-management", "task-management", "taxes-management", "test-management",
    "time-management", "time-tracking", "translation", "video-conferencing", "video-editing",
    "visitor-management", "voip", "warehouse-management", "web-collaboration",
    "web-conferencing", "website-builder", "whistleblowing", "workflow-management"]
SCOPES = ["agriculture", "culture", "defence", "education", "emergency-services", "employment",
          "energy", "environment", "finance-and-economic-development", "foreign-affairs",
          "healthcare", "infrastructures", "justice", "local-authorities", "manufacturing",
          "research", "science-and-technology", "security", "society", "sport", "tourism",
          "transportation", "welfare"]
PLATFORMS = ["web", "windows", "mac", "linux", "ios", "android"]
SOFTWARE_TYPES = ["standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                  "standalone/backend", "standalone/other", "addon", "library",
                  "configurationFiles"]
STATUSES = ["concept", "development", "beta", "stable", "obsolete"]
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # YYYY-MM-DD, the one date format the standard allows
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # a BCP 47 tag with its primary language subtag
SPDX = r"^\(?[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*\)?$"

DEPENDENCY = {"type": "object", "required": ["name"], "additionalProperties": False,
              "properties": {"name": {"type": "string", "minLength": 1},
                             "versionMin": {"type": "string"}, "versionMax": {"type": "string"},
                             "version": {"type": "string"}, "optional": {"type": "boolean"}}}
CONTACT = {"type": "object", "required": ["name"], "additionalProperties": False,
           "properties": {"name": {"type": "string", "minLength": 1},
                          "email": {"type": "string", "format": "email"},
                          "phone": {"type": "string"}, "affiliation": {"type": "string"}}}
CONTRACTOR = {"type": "object", "required": ["name", "until"], "additionalProperties": False,
              "properties": {"name": {"type": "string", "minLength": 1},
                             "until": {"type": "string", "pattern": DATE},
                             "email": {"type": "string"}, "website": {"type": "string"}}}
DESCRIPTION = {
    "type": "object", "required": ["shortDescription", "longDescription", "features"],
    "additionalProperties": False,
    "properties": {
        "localisedName": {"type": "string"},
        "genericName": {"type": "string", "maxLength": 35},
        "shortDescription": {"type": "string", "minLength": 1, "maxLength": 150,
                             "pattern": r"^[^\n]*$"},  # one line
        "longDescription": {"type": "string", "minLength": 150, "maxLength": 10000},
        "documentation": {"type": "string", "format": "uri"},
        "apiDocumentation": {"type": "string", "format": "uri"},
        "features": {"type": "array", "minItems": 1,
                     "items": {"type": "string", "minLength": 1}},
        "screenshots": {"type": "array", "items": {"type": "string"}},
        "videos": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "awards": {"type": "array", "items": {"type": "string"}}}}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["publiccodeYmlVersion", "name", "url", "platforms", "categories",
                 "developmentStatus", "softwareType", "description", "legal", "maintenance",
                 "localisation"],
    "additionalProperties": False,
    "properties": {
        "publiccodeYmlVersion": {"type": "string", "pattern": r"^0\.4(\.[0-9]+)?$"},
        "name": {"type": "string", "minLength": 1},
        "applicationSuite": {"type": "string"},
        "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "landingURL": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "isBasedOn": {"type": ["string", "array"]},
        "softwareVersion": {"type": "string"},
        "releaseDate": {"type": "string", "pattern": DATE},
        "logo": {"type": "string"},
        "platforms": {"type": "array", "minItems": 1, "uniqueItems": True,
                      "items": {"enum": PLATFORMS}},
        "categories": {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"enum": CATEGORIES}},
        "usedBy": {"type": "array", "items": {"type": "string"}},
        "roadmap": {"type": "string"},
        "developmentStatus": {"enum": STATUSES},
        "softwareType": {"enum": SOFTWARE_TYPES},
        "intendedAudience": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "countries": {"type": "array", "items": {"type": "string",
                                                         "pattern": "^[a-z]{2}$"}},
                "unsupportedCountries": {"type": "array",
                                         "items": {"type": "string", "pattern": "^[a-z]{2}$"}},
                "scope": {"type": "array", "items": {"enum": SCOPES}}}},
        "description": {"type": "object", "minProperties": 1,
                        "propertyNames": {"pattern": LANGUAGE},
                        "additionalProperties": DESCRIPTION},
        "legal": {"type": "object", "required": ["license"], "additionalProperties": False,
                  "properties": {"license": {"type": "string", "pattern": SPDX},
                                 "mainCopyrightOwner": {"type": "string"},
                                 "repoOwner": {"type": "string"},
                                 "authorsFile": {"type": "string"}}},
        "maintenance": {
            "type": "object", "required": ["type"], "additionalProperties": False,
            "properties": {"type": {"enum": ["internal", "contract", "community", "none"]},
                           "contacts": {"type": "array", "minItems": 1, "items": CONTACT},
                           "contractors": {"type": "array", "minItems": 1,
                                           "items": CONTRACTOR}},
            "allOf": [
                {"if": {"properties": {"type": {"enum": ["internal", "community"]}}},
                 "then": {"required": ["contacts"]}},
                {"if": {"properties": {"type": {"const": "contract"}}},
                 "then": {"required": ["contractors"]}}]},
        "localisation": {
            "type": "object", "required": ["localisationReady", "availableLanguages"],
            "additionalProperties": False,
            "properties": {"localisationReady": {"type": "boolean"},
                           "availableLanguages": {"type": "array", "minItems": 1,
                                                  "uniqueItems": True,
                                                  "items": {"type": "string",
                                                            "pattern": LANGUAGE}}}},
        "dependsOn": {"type": "object", "additionalProperties": False,
                      "properties": {kind: {"type": "array", "items": DEPENDENCY}
                                     for kind in ("open", "proprietary", "hardware")}},
        "it": {"type": "object"},  # the Italian country section; weerbaar has none
    },
}

OPEN_POINTS = {
    "url": "the address of the public source repository: none is documented yet",
    "maintenance.contacts": "a person who maintains weerbaar: none is named yet",
}
"""What the file cannot say yet (see its header comment). Remove an entry when the key is filled
in: the test then holds the file to the whole standard."""


def load() -> dict[str, Any]:
    data = yaml.safe_load(PUBLICCODE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def problems(data: dict[str, Any]) -> dict[str, str]:
    """Each rule the document breaks, by the key path it concerns."""
    found: dict[str, str] = {}
    for error in Draft202012Validator(SCHEMA).iter_errors(data):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1]
            path.append(missing)
        found[".".join(path) or "(root)"] = error.message
    return found


def test_publiccode_follows_the_standard_but_for_the_open_points() -> None:
    assert set(problems(load())) == set(OPEN_POINTS)


def test_the_schema_catches_what_the_standard_forbids() -> None:
    """The schema is strict enough to fail: each change below breaks one rule."""
    good = load()
    cases: list[tuple[str, Any, str]] = [
        ("publiccodeYmlVersion", "0.3", "publiccodeYmlVersion"),
        ("releaseDate", "28-11-2026", "releaseDate"),
        ("categories", ["risk-management"], "categories.0"),
        ("platforms", ["amiga"], "platforms.0"),
        ("developmentStatus", "alpha", "developmentStatus"),
        ("softwareType", "standalone", "softwareType"),
        ("legal", {"license": "EUPL 1.2"}, "legal.license"),
        ("localisation", {"localisationReady": "yes", "availableLanguages": ["nl"]},
         "localisation.localisationReady"),
        ("colour", "blue", "(root)"),
    ]
    for key, value, where in cases:
        changed = {**good, key: value}
        assert where in problems(changed), (key, value)
    long_short = {**good["description"]["en"], "shortDescription": "x" * 151}
    assert "description.en.shortDescription" in problems(
        {**good, "description": {**good["description"], "en": long_short}})
    short_long = {**good["description"]["nl"], "longDescription": "te kort"}
    assert "description.nl.longDescription" in problems(
        {**good, "description": {**good["description"], "nl": short_long}})
    assert "description.en.features" in problems(
        {**good, "description": {"en": {k: v for k, v in good["description"]["en"].items()
                                        if k != "features"}}})
    del good["name"]
    assert "name" in problems(good)
    complete = {**load(), "url": "https://example.org/weerbaar.git",
                "maintenance": {"type": "community", "contacts": [{"name": "A. Person"}]}}
    assert problems(complete) == {}


def test_publiccode_agrees_with_pyproject() -> None:
    data, project = load(), pyproject()
    assert data["name"] == project["name"]
    assert data["softwareVersion"] == project["version"]
    assert data["legal"]["license"] == project["license"] == "EUPL-1.2"
    python = next(d for d in data["dependsOn"]["open"] if d["name"] == "Python")
    assert project["requires-python"] == f">={python['versionMin']}"
    released = date.fromisoformat(data["releaseDate"])  # a real date, not only its shape
    assert released <= date.today()
    urls = project.get("urls", {})
    if "url" in data or urls:  # once the repository is documented, both say the same
        assert data.get("url") in urls.values(), (data.get("url"), urls)


def test_publiccode_languages_are_the_languages_weerbaar_speaks() -> None:
    data = load()
    shipped = sorted(p.name for p in (ROOT / "src" / "weerbaar" / "i18n").iterdir()
                     if (p / "LC_MESSAGES" / "weerbaar.po").is_file())
    assert sorted(data["localisation"]["availableLanguages"]) == shipped == ["en", "nl"]
    assert sorted(data["description"]) == shipped  # described in every language it speaks
    for code in [*shipped, *data["description"]]:
        try:
            Locale.parse(code)  # an ISO 639-1 language code CLDR knows
        except (ValueError, UnknownLocaleError):
            pytest.fail(f"{code!r} is not a language code")
    assert data["localisation"]["localisationReady"] is True
    for lang, text in data["description"].items():
        assert "\n" not in text["shortDescription"], lang
        assert 150 <= len(text["longDescription"]) <= 10_000, lang
    assert len(data["description"]["nl"]["features"]) == len(data["description"]["en"]["features"])
