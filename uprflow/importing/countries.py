"""States under review: the names used by UPR Info, OHCHR and UHRI -> ISO 3166-1 alpha-2.

Shipped as a table because ``pycountry`` is not a dependency. It covers every ``To`` value of
the UPR Info export (193 UN Member States, UPR Info's spellings) plus the UN spellings OHCHR and
UHRI use for the States whose names differ.
"""

from __future__ import annotations

import unicodedata

_CODES: dict[str, str] = {
    "Afghanistan": "AF", "Albania": "AL", "Algeria": "DZ", "Andorra": "AD", "Angola": "AO",
    "Antigua & Barbuda": "AG", "Argentina": "AR", "Armenia": "AM", "Australia": "AU",
    "Austria": "AT", "Azerbaijan": "AZ", "Bahamas": "BS", "Bahrain": "BH", "Bangladesh": "BD",
    "Barbados": "BB", "Belarus": "BY", "Belgium": "BE", "Belize": "BZ", "Benin": "BJ",
    "Bhutan": "BT", "Bolivia": "BO", "Bosnia & Herzegovina": "BA", "Botswana": "BW",
    "Brazil": "BR", "Brunei Darussalam": "BN", "Bulgaria": "BG", "Burkina Faso": "BF",
    "Burundi": "BI", "Cambodia": "KH", "Cameroon": "CM", "Canada": "CA", "Cape Verde": "CV",
    "Central African Republic": "CF", "Chad": "TD", "Chile": "CL", "China": "CN",
    "Colombia": "CO", "Comoros": "KM", "Costa Rica": "CR", "Cote d'Ivoire": "CI",
    "Croatia": "HR", "Cuba": "CU", "Cyprus": "CY", "Czech Republic": "CZ", "DPR Korea": "KP",
    "Democratic Republic of Congo": "CD", "Denmark": "DK", "Djibouti": "DJ", "Dominica": "DM",
    "Dominican Republic": "DO", "Ecuador": "EC", "Egypt": "EG", "El Salvador": "SV",
    "Equatorial Guinea": "GQ", "Eritrea": "ER", "Estonia": "EE", "Ethiopia": "ET", "Fiji": "FJ",
    "Finland": "FI", "France": "FR", "Gabon": "GA", "Gambia": "GM", "Georgia": "GE",
    "Germany": "DE", "Ghana": "GH", "Greece": "GR", "Grenada": "GD", "Guatemala": "GT",
    "Guinea": "GN", "Guinea Bissau": "GW", "Guyana": "GY", "Haiti": "HT", "Honduras": "HN",
    "Hungary": "HU", "Iceland": "IS", "India": "IN", "Indonesia": "ID", "Iran": "IR",
    "Iraq": "IQ", "Ireland": "IE", "Israel": "IL", "Italy": "IT", "Jamaica": "JM", "Japan": "JP",
    "Jordan": "JO", "Kazakhstan": "KZ", "Kenya": "KE", "Kiribati": "KI", "Kuwait": "KW",
    "Kyrgyzstan": "KG", "Laos": "LA", "Latvia": "LV", "Lebanon": "LB", "Lesotho": "LS",
    "Liberia": "LR", "Libya": "LY", "Liechtenstein": "LI", "Lithuania": "LT",
    "Luxembourg": "LU", "Macedonia FYR": "MK", "Madagascar": "MG", "Malawi": "MW",
    "Malaysia": "MY", "Maldives": "MV", "Mali": "ML", "Malta": "MT", "Marshall Islands": "MH",
    "Mauritania": "MR", "Mauritius": "MU", "Mexico": "MX", "Micronesia": "FM", "Moldova": "MD",
    "Monaco": "MC", "Mongolia": "MN", "Montenegro": "ME", "Morocco": "MA", "Mozambique": "MZ",
    "Myanmar": "MM", "Namibia": "NA", "Nauru": "NR", "Nepal": "NP", "Netherlands": "NL",
    "New Zealand": "NZ", "Nicaragua": "NI", "Niger": "NE", "Nigeria": "NG", "Norway": "NO",
    "Oman": "OM", "Pakistan": "PK", "Palau": "PW", "Panama": "PA", "Papua New Guinea": "PG",
    "Paraguay": "PY", "Peru": "PE", "Philippines": "PH", "Poland": "PL", "Portugal": "PT",
    "Qatar": "QA", "Republic of Congo": "CG", "Republic of Korea": "KR", "Romania": "RO",
    "Russian Federation": "RU", "Rwanda": "RW", "Samoa": "WS", "San Marino": "SM",
    "Sao Tome & Principe": "ST", "Saudi Arabia": "SA", "Senegal": "SN", "Serbia": "RS",
    "Seychelles": "SC", "Sierra Leone": "SL", "Singapore": "SG", "Slovakia": "SK",
    "Slovenia": "SI", "Solomon Islands": "SB", "Somalia": "SO", "South Africa": "ZA",
    "South Sudan": "SS", "Spain": "ES", "Sri Lanka": "LK", "St Kitts & Nevis": "KN",
    "St Lucia": "LC", "St Vincent & the Grenadines": "VC", "Sudan": "SD", "Suriname": "SR",
    "Swaziland": "SZ", "Sweden": "SE", "Switzerland": "CH", "Syria": "SY", "Tajikistan": "TJ",
    "Tanzania": "TZ", "Thailand": "TH", "Timor-Leste": "TL", "Togo": "TG", "Tonga": "TO",
    "Trinidad & Tobago": "TT", "Tunisia": "TN", "Turkey": "TR", "Turkmenistan": "TM",
    "Tuvalu": "TV", "Uganda": "UG", "Ukraine": "UA", "United Arab Emirates": "AE",
    "United Kingdom": "GB", "United States": "US", "Uruguay": "UY", "Uzbekistan": "UZ",
    "Vanuatu": "VU", "Venezuela": "VE", "Viet Nam": "VN", "Yemen": "YE", "Zambia": "ZM",
    "Zimbabwe": "ZW",
    # UN / OHCHR / UHRI spellings that differ from UPR Info's.
    "Antigua and Barbuda": "AG", "Bolivia (Plurinational State of)": "BO",
    "Bosnia and Herzegovina": "BA", "Cabo Verde": "CV", "Côte d'Ivoire": "CI",
    "Czechia": "CZ", "Democratic People's Republic of Korea": "KP",
    "Democratic Republic of the Congo": "CD", "Congo": "CG", "Eswatini": "SZ",
    "Guinea-Bissau": "GW", "Iran (Islamic Republic of)": "IR",
    "Lao People's Democratic Republic": "LA", "North Macedonia": "MK",
    "The former Yugoslav Republic of Macedonia": "MK",
    "Micronesia (Federated States of)": "FM", "Republic of Moldova": "MD",
    "Saint Kitts and Nevis": "KN", "Saint Lucia": "LC",
    "Saint Vincent and the Grenadines": "VC", "Sao Tome and Principe": "ST",
    "Syrian Arab Republic": "SY", "Türkiye": "TR", "Trinidad and Tobago": "TT",
    "United Kingdom of Great Britain and Northern Ireland": "GB",
    "United Republic of Tanzania": "TZ", "United States of America": "US",
    "Venezuela (Bolivarian Republic of)": "VE", "Vietnam": "VN",
}  # fmt: skip


def _key(name: str) -> str:
    text = (
        unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
        .encode("ascii", "ignore")
        .decode()
    )
    return " ".join(text.casefold().split())


_BY_KEY = {_key(name): code for name, code in _CODES.items()}
#: Every code the table knows (the UN Member States).
KNOWN_CODES = frozenset(_CODES.values())


def country_code(name: str) -> str | None:
    """The ISO alpha-2 code of a State's name (any spelling in the table), or None."""
    return _BY_KEY.get(_key(name))


#: The seven countries of the OHCHR study (the shipped profiles, the demo), by code, as UPR
#: Info names them.
STUDY_COUNTRIES: dict[str, str] = {
    "DK": "Denmark",
    "GE": "Georgia",
    "KE": "Kenya",
    "MY": "Malaysia",
    "MA": "Morocco",
    "NZ": "New Zealand",
    "PE": "Peru",
}
