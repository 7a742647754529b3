"""Identifiers as links to where they are kept: CFR parts to eCFR, RINs to reginfo.gov, dockets
to regulations.gov, Federal Register citations and documents to FederalRegister.gov. Anything
not in a recognised form is left as text (a wrong link is worse than none)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

CFR = re.compile(r"^\s*(\d{1,2})\s*C\.?F\.?R\.?\s*(?:part\s*|§\s*)?(\d{1,4})(?:\.\d+)?\s*$", re.IGNORECASE)
RIN = re.compile(r"^\d{4}-[A-Z]{2}\d{2}$", re.IGNORECASE)
FR_CITATION = re.compile(r"^\s*(\d{1,3})\s*FR\s*([\d,]+)\s*$", re.IGNORECASE)
FR_DOCUMENT = re.compile(r"^(?:FR Doc\.?\s*)?(\d{2,4}-\d{3,6})$", re.IGNORECASE)
# regulations.gov docket ids: an agency acronym (letters, maybe a second part), a year and a number.
REGULATIONS_GOV = re.compile(r"^[A-Z]{2,10}(?:-[A-Z]{2,10}){0,2}-\d{4}-\d{3,5}$")


def cfr_url(part):
    match = CFR.match(part or "")
    return f"https://www.ecfr.gov/current/title-{match[1]}/part-{match[2]}" if match else ""


def rin_url(rin):
    rin = (rin or "").strip()
    return (
        f"https://www.reginfo.gov/public/do/eAgendaViewRule?{urlencode({'RIN': rin.upper()})}" if RIN.match(rin) else ""
    )


def docket_url(docket):
    docket = (docket or "").strip()
    if REGULATIONS_GOV.match(docket):
        return f"https://www.regulations.gov/docket/{quote(docket)}"
    return ""


def fr_citation_url(citation):
    match = FR_CITATION.match(citation or "")
    return f"https://www.federalregister.gov/citation/{match[1]}-FR-{match[2].replace(',', '')}" if match else ""


def fr_document_url(number):
    match = FR_DOCUMENT.match((number or "").strip())
    return f"https://www.federalregister.gov/d/{match[1]}" if match else ""
