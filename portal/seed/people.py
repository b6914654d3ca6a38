"""Who writes the demo and benchmark comments: people and organizations in their own place.

A writer's country, state (or province) and city are picked first; the organization's name, the
person's name and the written language follow from them, so a chamber of commerce of Monterrey
is in Nuevo León, Mexico, and a Teamsters local of El Paso is in Texas. Email addresses are only
ever on example.com, example.org and example.net (reserved for documentation, RFC 2606), so no
demo message can reach a real mailbox.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from portal.text.folding import fold

# country -> [(state or province, weight, cities)]
PLACES: dict[str, list[tuple[str, int, list[str]]]] = {
    "US": [
        ("Texas", 34, ["Laredo", "El Paso", "Houston", "San Antonio", "McAllen", "Austin",
                       "Dallas", "Brownsville"]),
        ("California", 17, ["San Diego", "Los Angeles", "Calexico", "San Jose"]),
        ("Arizona", 12, ["Tucson", "Phoenix", "Nogales", "Yuma"]),
        ("New Mexico", 6, ["Las Cruces", "Albuquerque", "Santa Teresa"]),
        ("Illinois", 8, ["Chicago", "Rockford"]),
        ("Michigan", 8, ["Detroit", "Grand Rapids", "Lansing"]),
        ("New York", 8, ["New York", "Buffalo"]),
        ("District of Columbia", 4, ["Washington"]),
        ("Florida", 3, ["Miami"]),
    ],
    "MX": [
        ("Nuevo León", 18, ["Monterrey", "San Pedro Garza García", "Apodaca", "Escobedo"]),
        ("Chihuahua", 12, ["Ciudad Juárez", "Chihuahua", "Delicias"]),
        ("Baja California", 13, ["Tijuana", "Mexicali", "Ensenada", "Tecate"]),
        ("Sonora", 8, ["Hermosillo", "Nogales", "San Luis Río Colorado"]),
        ("Coahuila", 10, ["Saltillo", "Torreón", "Piedras Negras", "Ramos Arizpe"]),
        ("Tamaulipas", 12, ["Reynosa", "Matamoros", "Nuevo Laredo", "Tampico"]),
        ("Jalisco", 8, ["Guadalajara", "Zapopan", "Tlaquepaque"]),
        ("Ciudad de México", 13, ["Ciudad de México"]),
        ("Querétaro", 3, ["Querétaro", "San Juan del Río"]),
        ("Guanajuato", 3, ["León", "Irapuato", "Celaya"]),
    ],
    "CA": [
        ("Ontario", 50, ["Toronto", "Windsor", "Ottawa", "Hamilton"]),
        ("Quebec", 20, ["Montreal", "Quebec City"]),
        ("Alberta", 15, ["Calgary", "Edmonton"]),
        ("British Columbia", 15, ["Vancouver"]),
    ],
    # Elsewhere: the region is the country's name; its language is the writer's.
    "OTHER": [
        ("Chile", 3, ["Santiago", "Valparaíso"]),
        ("Colombia", 2, ["Bogotá", "Medellín"]),
        ("Peru", 2, ["Lima"]),
        ("Japan", 2, ["Tokyo", "Osaka"]),
        ("Australia", 1, ["Sydney"]),
        ("Singapore", 1, ["Singapore"]),
        ("United Kingdom", 1, ["London"]),
        ("Germany", 1, ["Frankfurt"]),
    ],
}
COUNTRY_WEIGHTS = {"US": 46, "MX": 44, "CA": 6, "OTHER": 4}
# Share of writers in each country who write in Spanish.
SPANISH_SHARE = {"US": 0.15, "MX": 0.93, "CA": 0.0}
SPANISH_ELSEWHERE = {"Chile", "Colombia", "Peru"}
TYPE_WEIGHTS = {"business": 28, "association": 15, "ngo": 12, "academic": 9, "labor": 6,
                "government": 7, "individual": 23}  # fmt: skip

FIRST_EN = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Susan", "Richard", "Jessica", "Thomas", "Sarah",
            "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Emily", "Steven",
            "Michelle", "Kevin", "Laura", "Brian", "Rachel", "Gregory", "Amanda"]  # fmt: skip
LAST_EN = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris",
           "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
           "Baker", "Adams", "Nelson", "Hill", "Chen", "Nguyen", "Patel", "Kim", "Garcia",
           "Rodriguez", "Martinez", "Lopez", "Gonzalez", "Murphy", "Cooper"]  # fmt: skip
FIRST_ES = ["José", "María", "Juan", "Guadalupe", "Luis", "Ana", "Carlos", "Verónica", "Jorge",
            "Patricia", "Miguel", "Gabriela", "Francisco", "Alejandra", "Alejandro", "Daniela",
            "Fernando", "Mariana", "Ricardo", "Sofía", "Eduardo", "Lucía", "Roberto", "Claudia",
            "Arturo", "Fernanda", "Héctor", "Adriana", "Javier", "Leticia", "Raúl",
            "Mónica"]  # fmt: skip
LAST_ES = ["Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez",
           "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes",
           "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz",
           "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera", "Garza",
           "Treviño", "Villarreal", "Cantú", "Salinas", "Elizondo"]  # fmt: skip
FIRST_FR = ["Jean", "Marie", "Luc", "Isabelle", "Pierre", "Chantal", "François", "Sophie"]
LAST_FR = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Lavoie", "Fortin"]
NAMES_ABROAD = {
    "Japan": ["Hiroshi Tanaka", "Yuki Sato", "Kenji Watanabe", "Aiko Suzuki"],
    "Australia": ["Oliver Bennett", "Charlotte Evans", "Jack Mitchell"],
    "Singapore": ["Mei Lin Tan", "Wei Ming Lim", "Priya Nair"],
    "United Kingdom": ["Oliver Hughes", "Emma Clarke", "Harry Edwards"],
    "Germany": ["Lukas Weber", "Anna Schmidt", "Jonas Fischer"],
}

# Organizations by type, country and language; {city}, {state}, {de_state}, {surname}, {n}.
ORGS_EN: dict[str, list[str]] = {
    "business": ["{city} Freight Logistics LLC", "{surname} Trucking Inc.",
                 "{state} Auto Components Inc.", "{city} Fiber Networks LLC",
                 "{surname} & Sons Customs Brokers", "{city} Precision Manufacturing Inc.",
                 "{surname} Produce Distributors", "{state} Solar Partners LLC",
                 "{surname} Engineering Group"],
    "association": ["{city} Chamber of Commerce", "{state} Trucking Association",
                    "{state} Manufacturers Association", "{city} Hispanic Chamber of Commerce",
                    "{state} Farm Bureau", "{city} Customs Brokers Association"],
    "ngo": ["{city} Border Coalition", "{state} Institute for Economic Opportunity",
            "{city} Community Development Council", "{state} Environmental Alliance"],
    "academic": ["{city} Community College", "Center for Border Economic Studies, {city}",
                 "{state} Institute of Technology", "School of Public Policy, {city}"],
    "labor": ["Teamsters Local {n}", "United Steelworkers Local {n}",
              "{state} Building Trades Council", "{state} Federation of Labor"],
    "government": ["City of {city}", "{state} Department of Transportation",
                   "{city} Economic Development Office", "{state} Office of Trade and Investment"],
}
ORGS_MX: dict[str, list[str]] = {
    "business": ["Transportes {surname} S.A. de C.V.", "Logística de {city} S.A. de C.V.",
                 "Autopartes del Norte S.A. de C.V.", "Grupo Industrial {surname}",
                 "Agroexportadora {de_state} S.A. de C.V.", "Energía Solar de {city} S.A.P.I.",
                 "{surname} y Asociados, Agentes Aduanales", "Manufacturas {surname} S.A. de C.V."],
    "association": ["Cámara Nacional de Comercio de {city}",
                    "Cámara de la Industria de Transformación {de_state}",
                    "Asociación de Maquiladoras de {city} A.C.",
                    "Consejo Coordinador Empresarial {de_state}",
                    "Asociación de Agentes Aduanales de {city}"],
    "ngo": ["Fundación {surname} para el Desarrollo A.C.", "Red Ciudadana de {city} A.C.",
            "Observatorio Ciudadano {de_state} A.C.",
            "Centro de Estudios Fronterizos de {city} A.C."],
    "academic": ["Universidad Autónoma {de_state}", "Instituto Tecnológico de {city}",
                 "Universidad Politécnica de {city}",
                 "Centro de Investigación Económica {de_state}"],
    "labor": ["Sindicato de Trabajadores de la Industria Automotriz {de_state}",
              "Sindicato Nacional de Trabajadores del Autotransporte, sección {n}",
              "Sindicato de Telefonistas de {city}", "Sindicato Minero, sección {n}"],
    "government": ["Municipio de {city}", "Secretaría de Desarrollo Económico {de_state}",
                   "Gobierno del Estado {de_state}", "Instituto Municipal de Planeación de {city}"],
}
ORGS_CA: dict[str, list[str]] = {
    "business": ["{city} Freight Services Ltd.", "{surname} Manufacturing Inc.",
                 "{state} Auto Parts Ltd."],
    "association": ["{city} Board of Trade", "{state} Chamber of Commerce",
                    "{state} Manufacturers' Council"],
    "ngo": ["{city} Trade Policy Forum", "{state} Council for North American Studies"],
    "academic": ["Centre for North American Studies, {city}", "{city} Polytechnic Institute"],
    "labor": ["{state} Federation of Labour", "Unifor Local {n}"],
    "government": ["City of {city}", "Government of {state}, Ministry of Economic Development"],
}
ORGS_ABROAD_EN: dict[str, list[str]] = {
    "business": ["{city} Trading Company Ltd.", "{surname} Logistics Pte."],
    "association": ["{city} Chamber of Commerce and Industry", "{state} Exporters Association"],
    "ngo": ["{state} Trade Policy Institute"],
    "academic": ["Institute of Economic Research, {city}"],
    "labor": ["Transport Workers Union of {state}"],
}
ORGS_ABROAD_ES: dict[str, list[str]] = {
    "business": ["Exportadora {surname} S.A.", "Comercializadora de {city} S.A."],
    "association": ["Cámara de Comercio de {city}", "Asociación de Exportadores de {state}"],
    "ngo": ["Centro de Estudios del Pacífico de {city}"],
    "academic": ["Instituto de Estudios Internacionales de {city}"],
    "labor": ["Federación de Trabajadores Portuarios de {state}"],
}
# Mexico City is not a state: "Gobierno del Estado de la Ciudad de México" would be wrong.
CDMX_GOVERNMENT = ["Gobierno de la Ciudad de México", "Alcaldía Cuauhtémoc",
                   "Secretaría de Desarrollo Económico de la Ciudad de México"]


@dataclass(frozen=True)
class Writer:
    submitter_type: str
    organization: str | None
    name: str
    email: str
    country: str
    region: str
    city: str
    language: str


def _weighted(spec: dict[str, int]) -> tuple[list[str], list[int]]:
    keys = list(spec)
    return keys, list(_cumulative(spec[k] for k in keys))


def _cumulative(weights: Iterable[int]) -> list[int]:
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


_COUNTRIES = _weighted(COUNTRY_WEIGHTS)
_TYPES = _weighted(TYPE_WEIGHTS)
_STATES = {c: ([s for s, _, _ in places], _cumulative(w for _, w, _ in places))
           for c, places in PLACES.items()}
_CITIES = {state: cities for places in PLACES.values() for state, _, cities in places}
_STATE_COUNTRY = {state: c for c, places in PLACES.items() for state, _, _ in places}


def country_of(state: str) -> str | None:
    """The country a state or province belongs to, or None if it is not one we know."""
    return _STATE_COUNTRY.get(state)


def cities_of(state: str) -> list[str]:
    return _CITIES.get(state, [])


def _de(state: str) -> str:
    return "de la Ciudad de México" if state == "Ciudad de México" else f"de {state}"


_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LEGAL = {"s", "a", "de", "c", "v", "llc", "inc", "ltd", "pte", "p", "i", "the", "of", "and",
          "y", "del", "la", "el", "para", "co"}  # fmt: skip


@lru_cache(maxsize=4096)
def slug(text: str) -> str:
    """ASCII words of a name for an address: "Cámara de Comercio" -> "camara-comercio"."""
    words = [w for w in _NOT_WORD.split(fold(text)) if w and w not in _LEGAL]
    return "-".join(words[:3]) or "contact"


@lru_cache(maxsize=8192)
def _local_part(name: str) -> str:
    first, last = [w for w in _NOT_WORD.split(fold(name)) if w][:2]
    return f"{first}.{last}"


ORG_DOMAIN = {"business": "example.com", "association": "example.org", "ngo": "example.org",
              "academic": "example.net", "labor": "example.org", "government": "example.net"}
PERSONAL_DOMAINS = ["example.com", "example.org", "example.net"]


class People:
    """Makes writers from a random generator: same seed, same writers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def place(self, country: str | None = None) -> tuple[str, str, str]:
        rng = self.rng
        if country is None:
            country = rng.choices(_COUNTRIES[0], cum_weights=_COUNTRIES[1])[0]
        states, weights = _STATES[country]
        state = rng.choices(states, cum_weights=weights)[0]
        return country, state, rng.choice(_CITIES[state])

    def language(self, country: str, state: str) -> str:
        if country == "OTHER":
            return "es" if state in SPANISH_ELSEWHERE else "en"
        return "es" if self.rng.random() < SPANISH_SHARE[country] else "en"

    def person(self, country: str, state: str, language: str) -> str:
        rng = self.rng
        if country == "MX" or (country == "OTHER" and language == "es"):
            return f"{rng.choice(FIRST_ES)} {rng.choice(LAST_ES)} {rng.choice(LAST_ES)}"
        if country == "US" and language == "es":
            return f"{rng.choice(FIRST_ES)} {rng.choice(LAST_ES)}"
        if country == "CA" and state == "Quebec":
            return f"{rng.choice(FIRST_FR)} {rng.choice(LAST_FR)}"
        if country == "OTHER":
            return rng.choice(NAMES_ABROAD[state])
        return f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"

    def organization(self, kind: str, country: str, state: str, city: str,
                     language: str) -> str:
        rng = self.rng
        if country == "MX" and kind == "government" and state == "Ciudad de México":
            return rng.choice(CDMX_GOVERNMENT)
        if country == "MX":
            bank = ORGS_MX
        elif country == "CA":
            bank = ORGS_CA
        elif country == "OTHER":
            bank = ORGS_ABROAD_ES if language == "es" else ORGS_ABROAD_EN
        else:
            bank = ORGS_EN
        templates = bank.get(kind) or bank["business"]
        surnames = LAST_ES if country == "MX" or language == "es" else LAST_EN
        return rng.choice(templates).format(
            city=city, state=state, de_state=_de(state), surname=rng.choice(surnames),
            n=rng.choice([37, 88, 100, 135, 222, 312, 657, 745, 1010, 1259]),
        )

    def writer(self, *, kind: str | None = None, country: str | None = None,
               state: str | None = None, language: str | None = None) -> Writer:
        rng = self.rng
        if state is not None:
            country = country_of(state)
            if country is None:
                raise ValueError(f"unknown state {state!r}")
            city = rng.choice(_CITIES[state])
        else:
            country, state, city = self.place(country)
        kind = kind or rng.choices(_TYPES[0], cum_weights=_TYPES[1])[0]
        if country == "OTHER" and kind == "government":
            kind = "business"  # a foreign government files through its embassy, not here
        language = language or self.language(country, state)
        name = self.person(country, state, language)
        organization = None
        if kind != "individual":
            organization = self.organization(kind, country, state, city, language)
        local = _local_part(name)
        if organization is None:
            domain = rng.choice(PERSONAL_DOMAINS)
            local = f"{local}{rng.randint(1, 99)}" if rng.random() < 0.4 else local
        else:
            domain = f"{slug(organization)}.{ORG_DOMAIN[kind]}"
        return Writer(submitter_type=kind, organization=organization, name=name,
                      email=f"{local}@{domain}", country=country, region=state,
                      city=city, language=language)
