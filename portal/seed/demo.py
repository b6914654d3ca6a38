"""Realistic demo comments in English and Spanish, for trying the site."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CommentPeriod, PeriodState, SubmitterType
from portal.services.submissions import SubmissionInput, submit

_EN = {
    1: [
        "Truck crossings at Laredo and Otay Mesa still take hours; pre-clearance and shared "
        "inspection facilities would cut our logistics costs.",
        "Cross-border energy trade needs compatible grid standards and faster permits for "
        "transmission lines and pipelines.",
        "Broadband and telecommunications investment along the corridor would connect "
        "suppliers on both sides.",
        "Two-way investment would grow with clearer rules on investor protection and "
        "simpler procedures to open a company.",
    ],
    2: [
        "Small businesses and entrepreneurs need access to credit and mentoring to sell "
        "across the border.",
        "Joint research programs between universities in Texas and Nuevo León would speed "
        "innovation in advanced manufacturing.",
        "Workforce training and recognition of professional credentials would build the "
        "human capital our factories need.",
        "Border communities need investment in infrastructure, housing and schools to share "
        "in economic development.",
    ],
    3: [
        "The United States and Mexico should coordinate their positions in APEC on digital "
        "trade and customs facilitation.",
        "In the G20 both countries can push for open markets and fight protectionism.",
        "The TPP negotiations are a chance to set high standards for labor and the "
        "environment across the Pacific.",
        "North American supply chains compete globally; aligning standards with Canada helps "
        "the whole region.",
    ],
}
_ES = {
    1: [
        "Los cruces de camiones en Nuevo Laredo y Tijuana tardan horas; la revisión conjunta "
        "y la preinspección reducirían nuestros costos logísticos.",
        "El comercio de energía entre ambos países necesita normas compatibles de la red "
        "eléctrica y permisos más rápidos.",
        "La inversión en telecomunicaciones y banda ancha en la frontera conectaría a los "
        "proveedores de ambos lados.",
        "La inversión en ambos sentidos crecería con reglas más claras y trámites más "
        "sencillos para abrir una empresa.",
    ],
    2: [
        "Las pequeñas empresas y los emprendedores necesitan crédito y acompañamiento para "
        "vender al otro lado de la frontera.",
        "Programas conjuntos de investigación entre universidades impulsarían la innovación "
        "en la manufactura avanzada.",
        "La capacitación de los trabajadores y el reconocimiento de títulos profesionales "
        "formarían el capital humano que la industria necesita.",
        "Las comunidades fronterizas necesitan inversión en infraestructura, vivienda y "
        "escuelas para participar del desarrollo económico.",
    ],
    3: [
        "México y los Estados Unidos deberían coordinar sus posiciones en el APEC sobre "
        "comercio digital y facilitación aduanera.",
        "En el G20 ambos países pueden impulsar mercados abiertos y combatir el "
        "proteccionismo.",
        "Las negociaciones del TPP son una oportunidad para fijar normas laborales y "
        "ambientales exigentes en el Pacífico.",
        "Las cadenas de suministro de América del Norte compiten en el mundo; alinear normas "
        "con Canadá beneficia a toda la región.",
    ],
}
_ORGS = {
    SubmitterType.BUSINESS: ["Transportes del Norte S.A. de C.V.", "Gulf Coast Logistics LLC"],
    SubmitterType.ASSOCIATION: ["Cámara de Comercio de Monterrey", "Border Trade Alliance"],
    SubmitterType.NGO: ["Fundación Frontera Viva", "Binational Policy Network"],
    SubmitterType.ACADEMIC: ["Universidad Autónoma de Nuevo León", "University of Arizona"],
    SubmitterType.LABOR: ["Sindicato de Trabajadores Aduanales", "Teamsters Local 657"],
    SubmitterType.GOVERNMENT: ["Municipio de Ciudad Juárez", "City of El Paso"],
}
_NAMES_EN = ["Jane Miller", "Robert Chen", "Maria Lopez", "David Smith", "Susan Park"]
_NAMES_ES = ["Ana Martínez", "José Hernández", "Lucía Ramírez", "Carlos Gómez", "Sofía Núñez"]
_REGIONS = {"US": ["Texas", "California", "Arizona", "New Mexico"],
            "MX": ["Nuevo León", "Chihuahua", "Baja California", "Sonora"],
            "CA": ["Ontario"], "OTHER": [""]}


def add_demo_submissions(session: Session, count: int, seed: int | None = None) -> int:
    """Add count demo comments spread over the open periods; returns how many were added."""
    rng = random.Random(seed)  # noqa: S311 - demo text, not security
    periods = [p for p in session.scalars(select(CommentPeriod)) if p.state() is PeriodState.OPEN]
    if not periods:
        return 0
    for i in range(count):
        period = periods[i % len(periods)]
        number = period.pillar.number
        spanish = rng.random() < 0.5
        sentences = (_ES if spanish else _EN)[number]
        body = " ".join(rng.sample(sentences, k=rng.randint(2, len(sentences))))
        kind = rng.choice(list(SubmitterType))
        country = rng.choice(["MX", "MX", "US", "US", "CA"]) if spanish else rng.choice(
            ["US", "US", "MX", "CA", "OTHER"]
        )
        name = rng.choice(_NAMES_ES if spanish else _NAMES_EN)
        subject = body.split(";")[0].split(",")[0][:80]
        submit(
            session,
            period,
            SubmissionInput(
                submitter_type=kind.value,
                organization=None if kind is SubmitterType.INDIVIDUAL else rng.choice(_ORGS[kind]),
                name=name,
                email=f"demo{i}@example.org",
                country=country,
                region=rng.choice(_REGIONS[country]),
                subject=subject,
                body=body,
                consent_publish=rng.random() < 0.8,
            ),
            ui_language="es" if spanish else "en",
        )
    return count
