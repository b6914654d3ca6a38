"""Form-letter campaigns: one letter sent by many people, with small edits.

Each sender may change the greeting, pick a reworded sentence here and there, add a sentence of
their own and sign with their name and city; about a quarter paste the letter exactly as given,
so the demo has both near-identical letters and exact repeats to detect.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from portal.seed.people import People, Writer


@dataclass(frozen=True)
class Campaign:
    key: str
    language: str
    pillar: int
    themes: tuple[str, ...]
    # Where senders live: (state, weight); the country follows from the state.
    places: tuple[tuple[str, int], ...]
    subjects: tuple[str, ...]
    greetings: tuple[str, ...]
    # Paragraphs of sentences; each sentence is a tuple of wordings, the first the standard one.
    paragraphs: tuple[tuple[tuple[str, ...], ...], ...]
    personal: tuple[str, ...]
    sign_off: str


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        key="freight-preclearance", language="en", pillar=1, themes=("transportation",),
        places=(("Texas", 6), ("Arizona", 2), ("California", 2)),
        subjects=("Expand cargo pre-clearance at our ports of entry.",
                  "Please expand cargo pre-clearance at the border."),
        greetings=("To the members of the High Level Economic Dialogue:", "Dear HLED members,",
                   "Dear Secretaries,"),
        paragraphs=(
            (("I am writing to ask you to make cargo pre-clearance the first priority of the "
              "transportation agenda.",
              "I urge you to make cargo pre-clearance the top priority of the transportation "
              "agenda."),
             ("Trucks at our ports of entry wait for hours while inspection lanes stand empty.",)),
            (("Joint inspection facilities, where officers of both countries inspect a truck "
              "once, would cut crossing times in half.",),
             ("Every hour a truck waits at the border is paid for by the workers and families who "
              "depend on cross-border trade.",
              "Every hour of waiting is paid for by the families who depend on trade across the "
              "border.")),
            (("Please fund pre-clearance and joint inspection at every busy crossing before the "
              "next peak season.",),),
        ),
        personal=("My own company lost two customers last year because of late deliveries.",
                  "I drive across the border three times a week and see the lines myself.",
                  "Our town depends on the bridge for most of its jobs."),
        sign_off="Sincerely,",
    ),
    Campaign(
        key="capacitacion-sindical", language="es", pillar=2, themes=("human-capital",),
        places=(("Coahuila", 4), ("Nuevo León", 4), ("Chihuahua", 2)),
        subjects=("Pedimos capacitación para los trabajadores de la industria.",
                  "Los trabajadores necesitan capacitación y reconocimiento de sus habilidades."),
        greetings=("A los integrantes del Diálogo Económico de Alto Nivel:",
                   "Estimados miembros del diálogo:", "A quien corresponda:"),
        paragraphs=(
            (("Como trabajadores de la industria manufacturera, pedimos que la capacitación sea "
              "una prioridad del diálogo.",
              "Como trabajadores de la manufactura, pedimos que la capacitación sea prioridad "
              "del diálogo."),
             ("Las empresas piden nuevas habilidades, pero casi nunca ofrecen los cursos para "
              "adquirirlas.",)),
            (("Solicitamos programas de aprendices diseñados con los sindicatos y certificados "
              "reconocidos en ambos países.",),
             ("Un trabajador capacitado gana mejor y su empresa compite mejor.",
              "Un trabajador bien capacitado gana más, y su empresa es más competitiva.")),
            (("Esperamos que el diálogo escuche a quienes trabajamos en las plantas.",),),
        ),
        personal=("Yo trabajo desde hace doce años en una planta de autopartes.",
                  "En mi turno, la mitad de los compañeros nunca ha recibido un curso.",
                  "Mi hijo terminó la preparatoria técnica y no encuentra dónde certificarse."),
        sign_off="Atentamente,",
    ),
    Campaign(
        key="energia-renovable", language="es", pillar=1, themes=("energy",),
        places=(("Baja California", 5), ("Sonora", 4), ("Chihuahua", 1)),
        subjects=("La frontera necesita energía renovable y líneas de transmisión.",
                  "Pedimos apoyo a la energía renovable en la frontera."),
        greetings=("Al Diálogo Económico de Alto Nivel:", "Estimados miembros del diálogo:"),
        paragraphs=(
            (("La frontera tiene sol y viento de sobra, pero faltan líneas de transmisión para "
              "aprovecharlos.",),
             ("Los permisos para una línea que cruza la frontera tardan años.",
              "Los permisos de una línea de transmisión transfronteriza tardan años.")),
            (("Pedimos un calendario común de permisos y un grupo de trabajo sobre la red "
              "eléctrica.",),
             ("La energía renovable puede dar empleo y electricidad más barata a las comunidades "
              "de ambos lados.",)),
        ),
        personal=("En mi colonia los apagones son frecuentes en verano.",
                  "Trabajo en la instalación de paneles solares y veo la demanda cada día."),
        sign_off="Saludos cordiales,",
    ),
    Campaign(
        key="tpp-standards", language="en", pillar=3, themes=("regional-fora",),
        places=(("Michigan", 4), ("Illinois", 3), ("New York", 3), ("California", 2)),
        subjects=("The TPP needs fair labor and environmental standards.",
                  "The TPP must protect workers and the environment."),
        greetings=("Dear members of the High Level Economic Dialogue,", "To the HLED:",
                   "Dear Sir or Madam,"),
        paragraphs=(
            (("As the United States and Mexico negotiate the Trans-Pacific Partnership, I ask "
              "you to insist on enforceable labor and environmental standards.",),
             ("Trade agreements without such standards reward the countries that protect workers "
              "least.",
              "Agreements without these standards reward whoever protects workers least.")),
            (("Please coordinate your positions in the TPP, APEC and the G20 so that the rules "
              "of trade raise standards instead of lowering them.",),
             ("The negotiating texts should also be shared with the public before they are "
              "final.",)),
        ),
        personal=("I worked for twenty years in an auto plant that moved overseas.",
                  "My union local has followed these negotiations closely."),
        sign_off="Respectfully,",
    ),
)


def by_pillar(pillar: int) -> list[Campaign]:
    return [c for c in CAMPAIGNS if c.pillar == pillar]


def letter(rng: random.Random, campaign: Campaign, people: People) -> tuple[Writer, str, str]:
    """(writer, subject, body) of one letter of the campaign."""
    states = [s for s, _ in campaign.places]
    state = rng.choices(states, weights=[w for _, w in campaign.places])[0]
    kind = "individual" if rng.random() < 0.85 else None
    writer = people.writer(kind=kind, state=state, language=campaign.language)
    verbatim = rng.random() < 0.25
    paragraphs = []
    for paragraph in campaign.paragraphs:
        sentences = [
            wordings[0] if verbatim or len(wordings) == 1 or rng.random() < 0.8
            else rng.choice(wordings[1:])
            for wordings in paragraph
        ]
        paragraphs.append(" ".join(sentences))
    if verbatim:
        return writer, campaign.subjects[0], "\n\n".join([campaign.greetings[0], *paragraphs])
    if rng.random() < 0.5:
        paragraphs[0] = f"{paragraphs[0]} {rng.choice(campaign.personal)}"
    body = [rng.choice(campaign.greetings), *paragraphs]
    if rng.random() < 0.8:
        body.append(f"{campaign.sign_off}\n{writer.name}\n{writer.city}, {writer.region}")
    subject = campaign.subjects[0] if rng.random() < 0.7 else rng.choice(campaign.subjects)
    return writer, subject, "\n\n".join(body)
