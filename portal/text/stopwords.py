"""Function words of English and Spanish, already folded (lowercase, no accents).

Small on purpose: only words that carry no topic. The large published lists (e.g. PyPI's
stop-words) also drop "research", "work", "world" and "information", which are exactly the words
planners look for in comments on an economic dialogue. Distinctiveness scoring already discounts
words that every group uses, so this list only has to remove grammar.
"""

from __future__ import annotations

ENGLISH: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn d did didn do does doesn
    doing don down during each either etc few for from further had hadn has hasn have haven
    having he her here hers herself him himself his how however i if in into is isn it its
    itself just ll m may me might more most must mustn my myself neither no nor not now o of off
    on once only or other ought our ours ourselves out over own per re s same shall shan she
    should shouldn so some such t than that the their theirs them themselves then there these
    they this those through thus to too under until up upon us ve very via was wasn we were
    weren what when where whether which while who whom whose why will with within without won
    would wouldn y yet you your yours yourself yourselves
    """.split()
)

SPANISH: frozenset[str] = frozenset(
    """
    a al algo algun alguna algunas alguno algunos ambas ambos ante antes aquel aquella aquellas
    aquello aquellos aqui asi aun aunque cada como con contra cual cuales cualquier cuando cuanto
    cuya cuyo de del desde donde dos durante e el ella ellas ello ellos en entre era eran eres es
    esa esas ese eso esos esta estaba estaban estamos estan estar estas este esto estos estoy
    estuvo fue fueron fui ha habia habian haber habra han has hasta hay he hemos la las le les lo
    los mas me mi mia mias mientras mio mios mis misma mismas mismo mismos mucha muchas mucho
    muchos muy nada ni no nos nosotras nosotros nuestra nuestras nuestro nuestros o os otra otras
    otro otros para pero poco por porque pues que quien quienes se sea sean segun ser si sido
    siempre sin sino sobre solo somos son soy su sus suya suyas suyo suyos tal tambien tampoco
    tan tanto te ti tiene tienen todo todos tu tus u un una unas uno unos usted ustedes vosotras
    vosotros y ya yo
    """.split()
)

BOTH: frozenset[str] = ENGLISH | SPANISH


def for_language(lang: str) -> frozenset[str]:
    """The list for "en" or "es"; both lists when the language is undetermined."""
    return {"en": ENGLISH, "es": SPANISH}.get(lang, BOTH)
