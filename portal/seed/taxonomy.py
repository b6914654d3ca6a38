"""The starting theme taxonomy, from the areas the HLED fact sheet names under each pillar."""

from __future__ import annotations

# (pillar number, code, label_en, label_es, keywords_en, keywords_es)
THEMES: list[tuple[int, str, str, str, str, str]] = [
    (1, "transportation", "Transportation and border crossings", "Transporte y cruces fronterizos",
     "transportation, transport, truck, trucking, border crossing, crossings, port of entry, "
     "rail, railway, logistics, customs, pre-clearance, inspection, highway, freight, bridge",
     "transporte, camión, camiones, cruce fronterizo, cruces, puerto de entrada, ferrocarril, "
     "tren, logística, aduana, aduanas, preinspección, revisión, carretera, carga, puente"),
    (1, "telecommunications", "Telecommunications", "Telecomunicaciones",
     "telecommunications, telecom, broadband, internet, spectrum, mobile, connectivity, "
     "fiber, network",
     "telecomunicaciones, banda ancha, internet, espectro, telefonía, móvil, conectividad, "
     "fibra óptica, red"),
    (1, "energy", "Energy", "Energía",
     "energy, electricity, power grid, grid, oil, gas, natural gas, pipeline, renewable, "
     "solar, wind, transmission line",
     "energía, electricidad, red eléctrica, petróleo, gas, gas natural, gasoducto, renovable, "
     "solar, eólica, transmisión eléctrica"),
    (1, "investment", "Two-way investment", "Inversión en ambos sentidos",
     "investment, investor, investors, two-way investment, capital, open a company, "
     "foreign direct investment",
     "inversión, inversiones, inversionista, inversionistas, inversión en ambos sentidos, "
     "capital, abrir una empresa, inversión extranjera directa"),
    (2, "entrepreneurship", "Entrepreneurship and small business",
     "Emprendimiento y pequeñas empresas",
     "entrepreneur, entrepreneurs, entrepreneurship, small business, small businesses, startup, "
     "SME, credit, mentoring",
     "emprendedor, emprendedores, emprendimiento, pequeña empresa, pequeñas empresas, pyme, "
     "pymes, crédito, acompañamiento"),
    (2, "innovation", "Innovation and research", "Innovación e investigación",
     "innovation, innovate, research, technology, patent, university, universities, "
     "advanced manufacturing, science",
     "innovación, innovar, investigación, tecnología, patente, universidad, universidades, "
     "manufactura avanzada, ciencia"),
    (2, "human-capital", "Human capital and skills", "Capital humano y habilidades",
     "human capital, workforce, training, skills, education, workers, credentials, "
     "apprenticeship",
     "capital humano, fuerza laboral, capacitación, habilidades, educación, trabajadores, "
     "títulos profesionales, aprendices"),
    (2, "border-development", "Economic development along the border",
     "Desarrollo económico en la frontera",
     "border communities, border region, border development, border economy, housing, "
     "infrastructure, border",
     "comunidades fronterizas, región fronteriza, desarrollo fronterizo, economía fronteriza, "
     "vivienda, infraestructura, frontera"),
    (3, "regional-fora", "Regional and international fora", "Foros regionales e internacionales",
     "TPP, Trans-Pacific Partnership, APEC, G20, WTO, negotiations, trade agreement, "
     "multilateral, international fora",
     "TPP, Acuerdo de Asociación Transpacífico, APEC, G20, OMC, negociaciones, "
     "acuerdo comercial, multilateral, foros internacionales"),
    (3, "global-competitiveness", "North American competitiveness",
     "Competitividad de América del Norte",
     "North America, supply chains, supply chain, global markets, Canada, standards, "
     "protectionism, open markets",
     "América del Norte, cadenas de suministro, cadena de suministro, mercados mundiales, "
     "Canadá, normas, proteccionismo, mercados abiertos"),
]
