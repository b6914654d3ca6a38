"""The three HLED pillars and their calls for comment, in English and Spanish.

Taken from the Fact Sheet on the U.S.-Mexico High Level Economic Dialogue (May 2, 2013).
"""

from __future__ import annotations

PILLARS: list[dict[str, object]] = [
    {
        "number": 1,
        "slug": "competitiveness-connectivity",
        "name_en": "Promoting Competitiveness and Connectivity",
        "name_es": "Promover la competitividad y la conectividad",
        "description_en": (
            "Enhanced cooperation in specific sectors that connect our economies, including "
            "transportation, telecommunications and energy, as well as promoting greater two-way "
            "investment."
        ),
        "description_es": (
            "Mayor cooperación en sectores específicos que conectan nuestras economías, entre "
            "ellos el transporte, las telecomunicaciones y la energía, así como la promoción de "
            "una mayor inversión en ambos sentidos."
        ),
        "period": {
            "slug": "competitiveness-connectivity",
            "title_en": "Call for comment: Promoting Competitiveness and Connectivity",
            "title_es": "Convocatoria a comentarios: Promover la competitividad y la conectividad",
            "description_en": (
                "The HLED seeks input from the private sector and civil society in the United "
                "States and Mexico on how enhanced cooperation in transportation, "
                "telecommunications and energy, and greater two-way investment, can strengthen "
                "the competitiveness of both economies. Comments may be written in English or "
                "Spanish."
            ),
            "description_es": (
                "El DEAN solicita la opinión del sector privado y de la sociedad civil de los "
                "Estados Unidos y de México sobre cómo una mayor cooperación en transporte, "
                "telecomunicaciones y energía, y una mayor inversión en ambos sentidos, pueden "
                "fortalecer la competitividad de ambas economías. Los comentarios pueden "
                "escribirse en español o en inglés."
            ),
            "questions_en": (
                "Which barriers at the border most limit the movement of goods and people?\n"
                "What telecommunications or energy initiatives would most benefit both "
                "economies?\n"
                "What would encourage greater two-way investment?"
            ),
            "questions_es": (
                "¿Qué obstáculos en la frontera limitan más el movimiento de mercancías y "
                "personas?\n"
                "¿Qué iniciativas de telecomunicaciones o de energía beneficiarían más a ambas "
                "economías?\n"
                "¿Qué fomentaría una mayor inversión en ambos sentidos?"
            ),
        },
    },
    {
        "number": 2,
        "slug": "growth-productivity-innovation",
        "name_en": "Fostering Economic Growth, Productivity and Innovation",
        "name_es": "Fomentar el crecimiento económico, la productividad y la innovación",
        "description_en": (
            "Ways to promote entrepreneurship, stimulate innovation and encourage the "
            "development of human capital to meet the needs of the 21st-century economy, and "
            "initiatives to strengthen economic development along the shared border."
        ),
        "description_es": (
            "Formas de promover el emprendimiento, estimular la innovación y fomentar el "
            "desarrollo del capital humano para atender las necesidades de la economía del "
            "siglo XXI, e iniciativas para fortalecer el desarrollo económico a lo largo de la "
            "frontera compartida."
        ),
        "period": {
            "slug": "growth-productivity-innovation",
            "title_en": "Call for comment: Fostering Economic Growth, Productivity and Innovation",
            "title_es": (
                "Convocatoria a comentarios: Fomentar el crecimiento económico, la productividad "
                "y la innovación"
            ),
            "description_en": (
                "The HLED invites comment on how the United States and Mexico can promote "
                "entrepreneurship, stimulate innovation, develop human capital for the "
                "21st-century economy, and strengthen economic development along the shared "
                "border."
            ),
            "description_es": (
                "El DEAN invita a comentar cómo los Estados Unidos y México pueden promover el "
                "emprendimiento, estimular la innovación, desarrollar el capital humano para la "
                "economía del siglo XXI y fortalecer el desarrollo económico a lo largo de la "
                "frontera compartida."
            ),
            "questions_en": (
                "What support do entrepreneurs and small businesses need to grow across the "
                "border?\n"
                "How can universities, research centers and companies innovate together?\n"
                "Which skills and training programs should both countries prioritize?\n"
                "What would most strengthen economic development in border communities?"
            ),
            "questions_es": (
                "¿Qué apoyos necesitan los emprendedores y las pequeñas empresas para crecer a "
                "ambos lados de la frontera?\n"
                "¿Cómo pueden innovar juntos las universidades, los centros de investigación y "
                "las empresas?\n"
                "¿Qué habilidades y programas de capacitación deberían priorizar ambos países?\n"
                "¿Qué fortalecería más el desarrollo económico de las comunidades fronterizas?"
            ),
        },
    },
    {
        "number": 3,
        "slug": "regional-global-leadership",
        "name_en": "Partnering for Regional and Global Leadership",
        "name_es": "Asociarse para el liderazgo regional y mundial",
        "description_en": (
            "Greater alignment and cooperation between the United States and Mexico on issues "
            "of shared concern in regional and international fora, leveraging existing "
            "engagement through the Trans-Pacific Partnership (TPP), the Asia-Pacific Economic "
            "Cooperation (APEC) forum, the G20 and other initiatives."
        ),
        "description_es": (
            "Mayor alineación y cooperación entre los Estados Unidos y México en temas de "
            "interés común en foros regionales e internacionales, aprovechando la participación "
            "existente en el Acuerdo de Asociación Transpacífico (TPP), el Foro de Cooperación "
            "Económica Asia-Pacífico (APEC), el G20 y otras iniciativas."
        ),
        "period": {
            "slug": "regional-global-leadership",
            "title_en": "Call for comment: Partnering for Regional and Global Leadership",
            "title_es": (
                "Convocatoria a comentarios: Asociarse para el liderazgo regional y mundial"
            ),
            "description_en": (
                "The HLED asks for views on where the United States and Mexico should align "
                "their positions in regional and international fora such as the TPP, APEC and "
                "the G20, and on which shared priorities they should advance together."
            ),
            "description_es": (
                "El DEAN pide opiniones sobre los temas en que los Estados Unidos y México "
                "deberían alinear sus posiciones en foros regionales e internacionales como el "
                "TPP, el APEC y el G20, y sobre las prioridades comunes que deberían impulsar "
                "juntos."
            ),
            "questions_en": (
                "On which issues should the two countries coordinate in APEC, the G20 or trade "
                "negotiations?\n"
                "How can North American supply chains compete better in global markets?"
            ),
            "questions_es": (
                "¿En qué temas deberían coordinarse ambos países en el APEC, el G20 o en las "
                "negociaciones comerciales?\n"
                "¿Cómo pueden las cadenas de suministro de América del Norte competir mejor en "
                "los mercados mundiales?"
            ),
        },
    },
]
