"""Form letters as campaigns send them, and comments people write themselves, on HLED topics.

Three campaigns: a Spanish letter on border crossings for small firms (50 copies), its English
counterpart (20 copies) and an English letter on cross-border electricity (20 copies). Each copy
is edited the way signers edit: a greeting and a signature of their own, a name and a town, accents
or capitals lost, punctuation changed, a personal sentence added, a sentence deleted, a sentence
or a few words reworded, paragraphs run together. Thirty comments written independently on the
same topics (some quoting a sentence of a campaign letter) belong to no campaign.

`letters()` is deterministic: the same seed gives the same texts.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# Each sentence: the campaign's wording, then rewordings signers use instead.
ES_BORDER: list[list[list[str]]] = [
    [
        ["Les escribo como parte de la comunidad empresarial de la frontera norte para pedir que "
         "el Diálogo Económico de Alto Nivel ponga en el centro a las pequeñas y medianas "
         "empresas.",
         "Me dirijo a ustedes, como integrante de la comunidad empresarial de la frontera norte, "
         "para solicitar que el Diálogo Económico de Alto Nivel dé prioridad a las pequeñas y "
         "medianas empresas."],
        ["Hoy un camión de carga puede esperar entre cuatro y seis horas para cruzar por Nuevo "
         "Laredo, Ciudad Juárez o Tijuana, y cada hora de espera encarece nuestros productos y "
         "nos hace perder clientes.",
         "En la actualidad un tráiler llega a esperar de cuatro a seis horas para cruzar en Nuevo "
         "Laredo, Ciudad Juárez o Tijuana; cada hora perdida sube nuestros costos y nos cuesta "
         "clientes."],
        ["Las grandes empresas pueden pagar agentes aduanales y programas de certificación, pero "
         "las pymes no tenemos esos recursos."],
    ],
    [
        ["Pedimos tres medidas concretas.", "Proponemos tres acciones concretas."],
        ["Primero, ampliar la inspección conjunta y la preinspección de carga en ambos lados de "
         "la frontera, con horarios de 24 horas en los puertos de mayor tránsito."],
        ["Segundo, crear una ventanilla única digital, en español y en inglés, para que una "
         "pequeña empresa pueda hacer todos sus trámites de exportación en línea.",
         "Segundo, abrir una ventanilla única en línea, bilingüe, donde una empresa pequeña "
         "complete todos los trámites de exportación sin intermediarios."],
        ["Tercero, simplificar el programa de Operador Económico Autorizado para que las empresas "
         "con menos de cincuenta empleados puedan certificarse a un costo razonable."],
    ],
    [
        ["Estas medidas no solo benefician a los exportadores: también reducen la contaminación "
         "de los camiones detenidos y mejoran la vida de las comunidades fronterizas."],
        ["Un cruce más ágil significa más empleos formales en ambos países.",
         "Una frontera más eficiente se traduce en más empleos formales en los dos países."],
        ["Les pido que incluyan estas propuestas en el plan de trabajo del Diálogo y que informen "
         "públicamente de sus avances cada año.",
         "Solicito respetuosamente que estas propuestas formen parte del plan de trabajo del "
         "Diálogo y que se publique un informe anual de avances."],
    ],
]

EN_BORDER: list[list[list[str]]] = [
    [
        ["I am writing as a small business owner who depends on trade with Mexico to ask that "
         "the High Level Economic Dialogue make border crossings work for small and medium-sized "
         "enterprises.",
         "As the owner of a small company that relies on trade with Mexico, I ask the High Level "
         "Economic Dialogue to make the border work for small and medium-sized enterprises."],
        ["Commercial trucks routinely wait four to six hours at Laredo, El Paso and Otay Mesa, "
         "and every hour in line raises our costs and costs us customers."],
        ["Large companies can afford customs brokers and trusted-trader programs, but most small "
         "firms cannot.",
         "Big corporations pay for customs brokers and trusted-trader certification; most small "
         "firms simply cannot."],
    ],
    [
        ["I urge the Dialogue to adopt three practical measures."],
        ["First, expand joint inspection and cargo pre-clearance on both sides of the border, "
         "with round-the-clock hours at the busiest ports of entry."],
        ["Second, build a single bilingual online window where a small exporter can complete "
         "every customs and export formality without a broker.",
         "Second, create one online portal, in English and Spanish, where small exporters can "
         "file all their paperwork without paying a broker."],
        ["Third, streamline the Authorized Economic Operator and C-TPAT programs so that firms "
         "with fewer than fifty employees can be certified at a reasonable cost."],
    ],
    [
        ["Faster crossings would not only help exporters; they would cut emissions from idling "
         "trucks and improve life in border communities."],
        ["A more efficient border means more good jobs in both countries."],
        ["Please include these proposals in the Dialogue's work plan and report publicly on "
         "progress every year.",
         "I respectfully request that these proposals be added to the Dialogue's work plan, with "
         "a public progress report each year."],
    ],
]

EN_ENERGY: list[list[list[str]]] = [
    [
        ["As a resident of the border region, I ask the High Level Economic Dialogue to make "
         "cross-border electricity integration a priority."],
        ["The grids of Texas, California and northern Mexico are still connected by only a "
         "handful of transmission lines, which leaves both sides exposed during heat waves and "
         "winter storms."],
        ["During the February 2021 freeze, millions of families lost power while spare capacity "
         "across the border could not reach them.",
         "In the freeze of February 2021 millions of households went dark even though there was "
         "spare capacity on the other side of the border."],
    ],
    [
        ["New interconnections would let each country draw on the other's solar and wind "
         "resources when demand peaks."],
        ["I support a joint permitting process for transmission projects that cross the border, "
         "with a single environmental review and clear deadlines.",
         "I urge a joint permitting process for cross-border transmission lines, with one "
         "environmental review and firm deadlines."],
        ["Regulators on both sides should also agree on common reliability standards so that "
         "power can flow safely in both directions."],
        ["Investment in storage and in local distribution networks must reach small towns and "
         "rural areas, not just industrial parks."],
    ],
    [
        ["Cleaner and more reliable electricity will attract manufacturing, lower household "
         "bills and reduce air pollution along the border."],
        ["I respectfully ask that the Dialogue set measurable goals for new interconnection "
         "capacity and publish them for comment."],
    ],
]

ES_PERSONAL = [
    "Tengo una panadería en Reynosa y cada semana pierdo pedidos porque mi proveedor no cruza a "
    "tiempo.",
    "Mi esposo es transportista y pasa más horas en la fila del puente que con nuestros hijos.",
    "En nuestra cooperativa de Chihuahua exportamos nuez y el año pasado se nos echó a perder "
    "una carga completa por el retraso.",
    "Soy contadora de varias empresas pequeñas de Mexicali y veo cómo los trámites se comen sus "
    "ganancias.",
    "Trabajo en una maquiladora de Matamoros y he visto turnos enteros detenidos por falta de "
    "piezas que no cruzaron.",
    "Mi familia vende artesanías de Oaxaca en Texas y los permisos nos toman meses.",
    "Llevo veinte años en el comercio exterior y nunca había visto filas tan largas.",
]

EN_PERSONAL = [
    "My family runs a produce distributor in McAllen, and last summer a load of tomatoes spoiled "
    "while it waited at the bridge.",
    "I drive a truck between Monterrey and San Antonio, and the wait at the bridge is the worst "
    "part of every trip.",
    "Our machine shop in Tucson buys castings from Sonora, and delays at the port shut our line "
    "down twice this year.",
    "I teach at a community college in El Paso where many of my students work in cross-border "
    "logistics.",
    "My neighbors lost power for four days in 2021 and one of them nearly lost her insulin.",
    "I own a small solar installation company in San Diego County.",
    "As a nurse in Laredo, I have seen how heat waves and outages hurt older patients first.",
]

ES_NAMES = ["María Guadalupe Hernández", "José Luis Ramírez", "Ana Sofía Treviño",
            "Juan Carlos Villarreal", "Rosa Elena Garza", "Luis Fernando Ochoa", "Patricia Lozano",
            "Jorge Alberto Salinas", "Claudia Ivonne Rivas", "Miguel Ángel Cantú",
            "Verónica Peña", "Raúl Esquivel", "Gabriela Montemayor", "Óscar Iván Duarte",
            "Leticia Zúñiga"]
ES_PLACES = ["Nuevo Laredo, Tamaulipas", "Ciudad Juárez, Chihuahua", "Tijuana, B.C.",
             "Monterrey, N.L.", "Reynosa", "Mexicali, Baja California", "Nogales, Sonora",
             "Piedras Negras, Coahuila", "Saltillo"]
ES_ORGS = ["Transportes Garza e Hijos", "Cámara de Comercio de Reynosa", "Dulces La Frontera",
           "Cooperativa Nogalera del Norte", "Agencia Aduanal Treviño"]
EN_NAMES = ["Mary Johnson", "Robert Garcia", "Linda Martinez", "James O'Brien", "Patricia Nguyen",
            "Michael Thompson", "Jennifer Lopez Ruiz", "David Kim", "Susan Miller",
            "Carlos Mendoza", "Karen Anderson", "Thomas Wright"]
EN_PLACES = ["Laredo, TX", "El Paso, Texas", "San Diego, CA", "Tucson, AZ", "McAllen, Texas",
             "Las Cruces, NM", "Brownsville TX", "Chula Vista, California"]
EN_ORGS = ["Rio Grande Produce LLC", "Sun Valley Machine Works", "Border Solar Co.",
           "Laredo Small Business Alliance"]

ES_GREETINGS = ["Estimados miembros del Diálogo Económico de Alto Nivel:", "A quien corresponda:",
                "Señoras y señores:", "Estimada Secretaría de Economía:", "Buenos días.",
                "Hola,", ""]
ES_CLOSINGS = ["Atentamente,", "Saludos cordiales,", "Reciban un cordial saludo.",
               "Muchas gracias por su atención.", "Quedo a sus órdenes,", ""]
EN_GREETINGS = ["Dear members of the High Level Economic Dialogue,", "To whom it may concern:",
                "Dear Secretary,", "Hello,", "Dear Sir or Madam,", ""]
EN_CLOSINGS = ["Sincerely,", "Thank you for your time,", "Best regards,", "Respectfully,",
               "Thanks!", ""]

# Words signers change here and there.
ES_WORDS = {"pymes": "pequeñas empresas", "camión": "tráiler", "ambos": "los dos",
            "concretas": "puntuales", "cada año": "anualmente", "pedir": "solicitar",
            "recursos": "medios", "clientes": "compradores"}
EN_WORDS = {"small firms": "small businesses", "trucks": "rigs", "customers": "clients",
            "practical": "concrete", "Please": "Kindly", "both countries": "the two countries",
            "priority": "top priority", "families": "households", "support": "back"}

UNRELATED: list[tuple[str, str]] = [
    ("es", "Soy agricultor en Sinaloa. Los requisitos fitosanitarios de Estados Unidos cambian "
           "sin aviso y cada cambio nos obliga a contratar asesores que no podemos pagar. Sería "
           "útil un calendario público de cambios regulatorios con al menos seis meses de "
           "anticipación y guías en español para los pequeños productores."),
    ("es", "La capacitación técnica en las preparatorias de la frontera debería coordinarse con "
           "las empresas de ambos países. En Ciudad Juárez faltan técnicos en mantenimiento "
           "industrial y los jóvenes no saben que esas plazas existen. Propongo becas binacionales "
           "y prácticas profesionales reconocidas en los dos lados."),
    ("es", "Como transportista independiente, lo que más me afecta no es la fila sino la falta de "
           "información: nadie sabe cuánto tardará el cruce. Una aplicación con tiempos de espera "
           "reales por carril, alimentada por ambas aduanas, nos permitiría planear las rutas y "
           "dormir un poco más."),
    ("es", "El Diálogo debería incluir a las universidades públicas en los proyectos de "
           "innovación. Nuestro laboratorio en Saltillo trabaja en baterías de litio y no "
           "encontramos socios en Texas porque los convenios tardan años en firmarse. Pedimos un "
           "modelo de convenio binacional sencillo."),
    ("es", "Hoy un camión de carga puede esperar entre cuatro y seis horas para cruzar por Nuevo "
           "Laredo, Ciudad Juárez o Tijuana, y cada hora de espera encarece nuestros productos y "
           "nos hace perder clientes. Pero el problema de fondo es otro: la infraestructura de las "
           "aduanas mexicanas no ha crecido al ritmo del comercio desde hace veinte años, y ningún "
           "programa de facilitación compensará puentes de dos carriles. Invirtamos primero en "
           "obra pública, con participación de los municipios y transparencia en los contratos."),
    ("es", "Me preocupa que la integración eléctrica beneficie solo a los parques industriales. "
           "En mi comunidad rural de Coahuila los apagones son frecuentes y nadie nos consulta. "
           "Cualquier acuerdo de interconexión debe incluir inversión en redes locales y tarifas "
           "justas para los hogares."),
    ("es", "Represento a una asociación de mujeres empresarias. El crédito para exportar es casi "
           "inexistente para empresas dirigidas por mujeres; los bancos piden garantías que no "
           "tenemos. Solicitamos un fondo de garantías binacional y capacitación en comercio "
           "electrónico para vender directamente a consumidores de Estados Unidos."),
    ("es", "El reconocimiento mutuo de títulos profesionales es urgente. Soy ingeniera civil con "
           "quince años de experiencia y no puedo firmar planos en Arizona aunque trabajo para "
           "una empresa con proyectos en ambos lados. Un registro binacional de ingenieros "
           "resolvería el problema."),
    ("es", "Las pequeñas y medianas empresas necesitamos información clara sobre las reglas de "
           "origen del T-MEC. Muchas veces pagamos aranceles que no nos corresponden porque no "
           "sabemos llenar los certificados. Propongo talleres gratuitos en las cámaras de "
           "comercio de cada estado fronterizo."),
    ("es", "Excelente iniciativa."),
    ("es", "La banda ancha en la sierra de Chihuahua no existe. Sin internet no podemos vender "
           "nuestras artesanías en línea ni tomar cursos. El Diálogo debería incluir metas de "
           "conectividad rural con fondos de ambos gobiernos y operadores locales."),
    ("es", "Propongo que el Diálogo cree un consejo consultivo permanente con representantes de "
           "las pymes, los sindicatos y las organizaciones civiles de ambos países, que se reúna "
           "dos veces al año y cuyas recomendaciones se publiquen con la respuesta oficial del "
           "gobierno a cada una de ellas."),
    ("es", "El turismo médico en Tijuana genera miles de empleos, pero los pacientes que cruzan "
           "desde California pierden horas en la garita. Un carril exclusivo para pacientes con "
           "cita confirmada ayudaría a las clínicas y a los hospitales de la región."),
    ("es", "Los puertos de Lázaro Cárdenas y Manzanillo podrían descongestionar la frontera "
           "terrestre si hubiera trenes de carga directos hacia Kansas City y Chicago con "
           "inspección única en origen. Pedimos estudiar ese corredor en el grupo de logística."),
    ("es", "Estoy en contra de que se use el Diálogo para imponer normas laborales que nuestras "
           "pequeñas empresas no pueden cumplir sin apoyo. Primero capacitación y financiamiento, "
           "después obligaciones, con plazos realistas para cada tamaño de empresa."),
    ("en", "I run a customs brokerage in Nogales. Pre-clearance pilots have worked well for "
           "produce, but the staffing on the U.S. side is the real bottleneck. Funding for CBP "
           "officers at land ports should be part of any agreement, and hours should match the "
           "harvest seasons."),
    ("en", "The Dialogue should fund apprenticeships that cross the border. Our community "
           "college trains welders and electricians, and employers in Chihuahua want to hire them, "
           "but credentials are not recognized. A shared skills framework would help both "
           "economies and keep young people in the region."),
    ("en", "Please consider the environmental impact of new highway lanes at the ports of entry. "
           "Residents of Barrio Logan and San Ysidro already breathe diesel fumes every day. "
           "Electrifying drayage trucks and adding air monitors should come before more lanes."),
    ("en", "Small and medium-sized enterprises need access to trade finance. Export credit "
           "insurance is designed for large firms, and the paperwork alone discourages us. A "
           "simplified application for loans under $250,000 would let many more small companies "
           "start exporting to Mexico."),
    ("en", "Commercial trucks routinely wait four to six hours at Laredo, El Paso and Otay Mesa, "
           "and every hour in line raises our costs and costs us customers. I do not agree, "
           "though, that more trusted-trader programs are the answer: they reward the largest "
           "shippers and push everyone else into slower lanes. Open the lanes to everyone and "
           "hire more inspectors instead, and publish the wait times of every lane online."),
    ("en", "Electricity trade with Mexico should not come at the cost of weaker environmental "
           "rules. Any new transmission line must go through full NEPA review, with tribal "
           "consultation and public hearings in both languages. Speed is not a reason to skip "
           "the process."),
    ("en", "I am a software developer in Austin. Digital trade rules matter as much as trucks: "
           "data localization requirements and unclear privacy rules keep small tech firms from "
           "serving Mexican customers. Please put digital trade on the agenda."),
    ("en", "Great idea, thanks."),
    ("en", "Our hospital system in the Rio Grande Valley cannot find enough nurses. Mexican "
           "nursing graduates are well trained, but licensing takes years. A bilateral pathway "
           "for nurse licensing, with language and clinical exams, would save lives here."),
    ("en", "Broadband along the border is still poor in the colonias of Hidalgo County. Children "
           "do homework in fast-food parking lots. Federal broadband money should be coordinated "
           "with Mexican providers so that the whole region gets connected, not just the cities."),
    ("en", "Semiconductor supply chains are the opportunity of the decade. Sonora and Arizona "
           "should be treated as one cluster: joint workforce programs, shared testing "
           "facilities and coordinated incentives, instead of competing for the same plants."),
    ("en", "As a rancher in New Mexico, I want to see the screwworm and cattle inspection rules "
           "harmonized. The border closures for livestock cost us dearly last year and came with "
           "no warning at all."),
    ("en", "The wind and solar potential of northern Mexico is enormous, and demand in the "
           "southwestern United States keeps growing. A task force on clean energy trade should "
           "report within a year with a list of priority transmission corridors and financing "
           "options."),
    ("en", "Women-owned small businesses face extra barriers when exporting. Mentoring programs "
           "pairing new exporters with experienced ones, run jointly by the SBA and its Mexican "
           "counterpart, would make a real difference at little cost."),
    ("en", "I support the Dialogue, but please publish the comments and the government's "
           "responses. Too many consultations collect opinions and never say what was done with "
           "them."),
]


@dataclass(frozen=True)
class Letter:
    text: str
    language: str
    campaign: str | None  # "es-border", "en-border", "en-energy", or None for own comments
    edits: tuple[str, ...]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0303")
    return unicodedata.normalize("NFC", kept)


def _copy(rng: random.Random, template: list[list[list[str]]], lang: str,
          number: int) -> tuple[str, tuple[str, ...]]:
    """One signer's copy of a template letter with the edits signers make."""
    spanish = lang == "es"
    personal = ES_PERSONAL if spanish else EN_PERSONAL
    words = ES_WORDS if spanish else EN_WORDS
    edits: list[str] = []
    paragraphs = [[choices[0] for choices in paragraph] for paragraph in template]
    # Every fifth copy is heavily edited; the others lightly. The first is the letter as sent.
    heavy = number % 5 == 4
    if number:
        rewordable = [(p, s) for p, paragraph in enumerate(template)
                      for s, choices in enumerate(paragraph) if len(choices) > 1]
        count = rng.randint(1, 3) if heavy else rng.randint(0, 1)
        for p, s in rng.sample(rewordable, k=min(count, len(rewordable))):
            paragraphs[p][s] = rng.choice(template[p][s][1:])
            edits.append("reworded")
        for _ in range(rng.randint(1, 2) if heavy else rng.randint(0, 1)):
            p = rng.randrange(len(paragraphs))
            paragraphs[p].insert(rng.randint(0, len(paragraphs[p])), rng.choice(personal))
            edits.append("sentence added")
        if heavy or rng.random() < 0.3:
            p = rng.randrange(len(paragraphs))
            if len(paragraphs[p]) > 1:
                paragraphs[p].pop(rng.randrange(len(paragraphs[p])))
                edits.append("sentence deleted")
    body = "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)
    if number:
        for old in rng.sample(sorted(words), k=rng.randint(0, 3)):
            if old in body:
                body = body.replace(old, words[old], 1)
                edits.append("words changed")
        if rng.random() < 0.25:
            body = _strip_accents(body) if spanish else body.replace("'", "")
            edits.append("accents lost")
        if rng.random() < 0.2:
            body = body.replace(",", "").replace(";", ".")
            edits.append("punctuation")
        if rng.random() < 0.1:
            body = body.upper()
            edits.append("capitals")
        if rng.random() < 0.3:
            body = body.replace("\n\n", " ")
            edits.append("one paragraph")
    names, places, orgs = ((ES_NAMES, ES_PLACES, ES_ORGS) if spanish
                           else (EN_NAMES, EN_PLACES, EN_ORGS))
    greeting = rng.choice(ES_GREETINGS if spanish else EN_GREETINGS)
    closing = rng.choice(ES_CLOSINGS if spanish else EN_CLOSINGS)
    signature = [rng.choice(names)]
    if rng.random() < 0.5:
        signature.append(rng.choice(orgs))
    if rng.random() < 0.6:
        signature.append(rng.choice(places))
    parts = [greeting, body, closing, "\n".join(signature)]
    return "\n\n".join(part for part in parts if part), tuple(edits)


def letters(seed: int = 10) -> list[Letter]:
    """90 campaign letters (50 Spanish, 20 + 20 English) and 30 comments of people's own."""
    rng = random.Random(seed)
    found: list[Letter] = []
    for key, template, lang, copies in (("es-border", ES_BORDER, "es", 50),
                                        ("en-border", EN_BORDER, "en", 20),
                                        ("en-energy", EN_ENERGY, "en", 20)):
        for number in range(copies):
            text, edits = _copy(rng, template, lang, number)
            found.append(Letter(text, lang, key, edits))
    found += [Letter(text, lang, None, ()) for lang, text in UNRELATED]
    rng.shuffle(found)
    return found


# Texts that must never make or join a campaign, and must not fail.
ODD_TEXTS = [
    "",
    "   ",
    "Gracias",
    "https://example.org/form-letter?id=123",
    "www.example.com",
    "¡¡¡!!! ... ???",
    "👍👍👍",
    # Third languages: a French and a Portuguese letter on the same subject.
    "Madame, Monsieur,\n\nJe vous écris pour demander que le Dialogue économique de haut niveau "
    "accorde la priorité aux petites et moyennes entreprises. Les camions attendent quatre à six "
    "heures à la frontière et chaque heure augmente nos coûts. Nous demandons l'inspection "
    "conjointe, un guichet unique en ligne et une certification simplifiée pour les petites "
    "entreprises.\n\nCordialement,\nJean Dupont",
    "Prezados senhores,\n\nEscrevo para pedir que o Diálogo Econômico de Alto Nível dê prioridade "
    "às pequenas e médias empresas. Os caminhões esperam de quatro a seis horas na fronteira e "
    "cada hora aumenta nossos custos. Pedimos inspeção conjunta, um balcão único digital e uma "
    "certificação simplificada para as pequenas empresas.\n\nAtenciosamente,\nJoão Silva",
    "与墨西哥的边境口岸需要更快的通关。中小企业需要一个在线窗口来办理所有出口手续。",
]
