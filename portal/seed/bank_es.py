"""Spanish sentences for demo and benchmark comments, per theme (see bank_en for the shape).

Written as a Mexican business, union or civil-society writer would put it, not translated word
for word from the English bank.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "crossing": ["Nuevo Laredo", "Mesa de Otay", "Nogales", "Reynosa", "Ciudad Juárez",
                 "Mexicali", "Matamoros", "San Jerónimo", "Piedras Negras", "Colombia"],
    "hours": ["dos", "tres", "cuatro", "cinco", "seis"],
    "pct": ["12", "15", "18", "20", "25", "30", "35", "40"],
    "goods": ["autopartes", "productos agrícolas frescos", "dispositivos médicos",
              "componentes aeroespaciales", "electrónica", "rollos de acero",
              "electrodomésticos", "alimentos procesados"],
    "field": ["manufactura avanzada", "baterías", "semiconductores", "biotecnología",
              "ciencias agrícolas", "energías limpias", "software", "ciencia de materiales"],
    "trade": ["soldadores", "torneros", "operadores de tractocamión", "electricistas",
              "programadores", "técnicos industriales", "enfermeras", "planeadores de logística"],
    "forum": ["el APEC", "el G20", "la OMC", "las negociaciones del TPP"],
    "year": ["2010", "2011", "2012"],
}

THEMES: dict[str, dict[str, list[str]]] = {
    "transportation": {
        "subjects": [
            "La preinspección reduciría los tiempos de cruce en {crossing}.",
            "Las esperas en {crossing} encarecen el transporte de {goods}.",
            "¿Por qué los camiones siguen esperando {hours} horas en {crossing}?",
            "La revisión conjunta de carga debe ser una prioridad del diálogo.",
            "El ferrocarril transfronterizo merece la misma atención que las carreteras.",
        ],
        "positions": [
            "Los cruces de camiones en {crossing} siguen tardando {hours} horas en un día "
            "normal, y esa demora ya es el mayor costo oculto de nuestra cadena de suministro.",
            "La frontera debería funcionar como un puerto de entrada compartido, con una sola "
            "revisión conjunta en lugar de dos revisiones seguidas.",
            "La preinspección de la carga lejos del puente es la medida más útil que el diálogo "
            "podría impulsar en materia de transporte.",
            "El transporte de carga por ferrocarril merece tanta atención como el autotransporte, "
            "porque un solo tren retira cientos de camiones de los puentes.",
            "Los trámites aduanales de ambos lados se diseñaron para un volumen de comercio "
            "mucho menor que el actual.",
            "Las empresas de logística no pueden cumplir horarios cuando el cruce pasa de una "
            "hora a {hours} horas sin aviso.",
        ],
        "evidence": [
            "Nuestros operadores registraron sus esperas durante seis meses: la mediana del "
            "cruce en {crossing} fue de {hours} horas.",
            "Cada hora adicional en el puente agrega cerca de {pct} dólares por viaje entre "
            "combustible, salarios y penalizaciones por entregar tarde {goods}.",
            "Desde {year}, el número de camiones que cruzan por {crossing} ha crecido más rápido "
            "que el número de carriles de revisión abiertos.",
            "Los exportadores de {goods} nos dicen que mantienen un {pct} por ciento más de "
            "inventario solo porque el cruce es impredecible.",
            "Cuando funcionó el programa piloto de revisión conjunta en {crossing}, nuestros "
            "camiones cruzaron en menos de la mitad del tiempo habitual.",
            "Un solo error en el pedimento puede detener un embarque de {goods} todo un día en la "
            "aduana, aunque la mercancía esté en regla.",
            "El puente ferroviario cercano a {crossing} opera a su máxima capacidad casi todo el "
            "año, así que no es posible agregar más trenes.",
        ],
        "requests": [
            "Pedimos al diálogo que extienda la preinspección de carga a {crossing} y a otros "
            "puertos de entrada con mucho tráfico.",
            "Solicitamos más carriles de revisión, con personal suficiente en las horas pico de "
            "la tarde.",
            "Recomendamos una ventanilla única electrónica de aduanas reconocida por ambos "
            "gobiernos.",
            "Ambos países deberían publicar en tiempo real los tiempos de cruce de carga, carril "
            "por carril.",
            "Instamos a los dos gobiernos a planear juntos los nuevos puentes ferroviarios y "
            "carreteros.",
        ],
    },
    "telecommunications": {
        "subjects": [
            "La banda ancha en la frontera conectaría a los proveedores de ambos lados.",
            "Los cargos de roaming fronterizo perjudican a los pequeños exportadores.",
            "La coordinación del espectro en la frontera necesita un acuerdo permanente.",
            "¿Puede el diálogo hacer de la fibra óptica una prioridad compartida?",
            "La conectividad rural debe formar parte de la agenda de telecomunicaciones.",
        ],
        "positions": [
            "Una conexión de banda ancha confiable es hoy tan importante para una planta en la "
            "frontera como la electricidad o el agua.",
            "Las redes de telecomunicaciones de cada lado de la frontera se construyeron como si "
            "el otro país no existiera.",
            "La interferencia del espectro cerca de la frontera limita los servicios de telefonía "
            "móvil que pueden ofrecer ambos países.",
            "Las pequeñas empresas pagan tarifas de roaming internacional por lo que en la "
            "práctica es una llamada local al otro lado del río.",
            "Las redes de fibra óptica que crucen la frontera darían a los proveedores la "
            "conectividad que necesitan para integrarse a cadenas más grandes.",
            "La competencia en telecomunicaciones reduce los precios de todos los demás sectores "
            "de la economía.",
        ],
        "evidence": [
            "Nuestra planta depende de un solo enlace de fibra, y cuando falla se detiene la "
            "producción de todo el turno.",
            "Una encuesta entre nuestros socios encontró que el {pct} por ciento paga cargos de "
            "roaming cada mes por llamar a proveedores que están a unos kilómetros.",
            "La cobertura móvil desaparece en largos tramos de carretera entre la frontera y los "
            "parques industriales.",
            "Desde {year}, el tráfico de datos entre nuestras oficinas de ambos lados se ha "
            "multiplicado por más de diez.",
            "Las escuelas rurales de la región fronteriza todavía se conectan a internet a "
            "velocidades que no permiten una clase en video.",
            "Coordinar la asignación del espectro tomó a nuestros ingenieros más de un año para "
            "una sola antena cerca de la frontera.",
        ],
        "requests": [
            "Pedimos a ambos reguladores un acuerdo duradero sobre el uso del espectro en la "
            "frontera.",
            "Proponemos una zona fronteriza de roaming donde las llamadas se cobren como "
            "locales.",
            "Recomendamos financiamiento conjunto para enlaces de fibra óptica hacia los parques "
            "industriales.",
            "El diálogo debería fomentar la inversión en banda ancha para las comunidades rurales "
            "de la frontera.",
            "Ambos gobiernos deberían compartir información sobre las fallas de red que afectan "
            "al otro lado.",
        ],
    },
    "energy": {
        "subjects": [
            "El comercio de electricidad necesita normas compatibles de la red eléctrica.",
            "Los gasoductos son la columna vertebral de nuestra competitividad.",
            "Los proyectos de energía renovable en la frontera necesitan permisos más rápidos.",
            "¿Por qué una línea de transmisión tarda una década en aprobarse?",
            "La integración energética debe ser un pilar de la competitividad regional.",
        ],
        "positions": [
            "La integración energética de América del Norte es la mayor ventaja de nuestra "
            "región frente a sus competidores.",
            "El comercio de electricidad entre ambos países está frenado por normas de la red "
            "eléctrica que nunca se diseñaron para funcionar juntas.",
            "El gas natural de los Estados Unidos ha transformado el costo de la manufactura en "
            "el norte de México.",
            "Los proyectos solares y eólicos de ambos lados de la frontera podrían compartir "
            "líneas de transmisión y abastecer a los dos mercados.",
            "Los permisos para gasoductos y líneas de transmisión transfronterizas tardan "
            "demasiado.",
            "Una política energética estable y predecible importa más a los inversionistas que "
            "cualquier incentivo aislado.",
        ],
        "evidence": [
            "Nuestra empresa esperó más de cuatro años los permisos de una línea de transmisión "
            "corta que cruza la frontera.",
            "Los usuarios industriales de nuestra región pagan alrededor de {pct} por ciento más "
            "por la electricidad que sus competidores.",
            "Desde {year}, el gas natural importado por gasoducto ha sustituido buena parte del "
            "combustóleo que quemaban las centrales locales.",
            "La región fronteriza tiene uno de los mejores recursos solares del continente, y la "
            "mayor parte sigue sin aprovecharse.",
            "Dos operadores de la red que no pueden intercambiar datos en tiempo real deben "
            "mantener reservas adicionales de cada lado.",
            "Un apagón de un lado de la frontera el verano pasado detuvo fábricas que dependen de "
            "la energía del otro lado.",
        ],
        "requests": [
            "Pedimos al diálogo que forme un grupo de trabajo conjunto sobre normas de la red y "
            "transmisión eléctrica.",
            "Solicitamos un calendario común para los permisos de gasoductos y líneas de "
            "transmisión transfronterizas.",
            "Recomendamos que ambos reguladores publiquen juntos sus planes de energía para la "
            "región fronteriza.",
            "Los dos gobiernos deberían apoyar proyectos de energía renovable que sirvan a ambos "
            "mercados.",
            "Instamos a coordinar los planes de emergencia de la red eléctrica a ambos lados de "
            "la frontera.",
        ],
    },
    "investment": {
        "subjects": [
            "La inversión en ambos sentidos necesita reglas más claras.",
            "Abrir una empresa al otro lado de la frontera debería tomar semanas, no meses.",
            "La inversión mexicana en los Estados Unidos merece más atención.",
            "¿Cómo puede un pequeño inversionista moverse entre dos sistemas legales?",
            "La protección de los inversionistas es la base de la inversión en ambos sentidos.",
        ],
        "positions": [
            "La inversión en ambos sentidos es el vínculo más duradero entre nuestras economías, "
            "incluso más que el comercio.",
            "Los inversionistas de ambos lados necesitan reglas claras y estables antes de "
            "comprometer capital por décadas.",
            "Abrir una empresa al otro lado de la frontera todavía exige demasiados trámites en "
            "demasiadas oficinas.",
            "Las empresas mexicanas invierten en los Estados Unidos a un ritmo que pocos "
            "reconocen.",
            "La inversión extranjera directa sigue a la certidumbre, y la certidumbre depende de "
            "una regulación transparente.",
            "El costo de abogados y consultores en ambos países desalienta a los pequeños "
            "inversionistas.",
        ],
        "evidence": [
            "A nuestra empresa le tomó siete meses y once trámites distintos abrir una filial al "
            "otro lado de la frontera.",
            "Nuestros socios calculan que los honorarios legales consumen cerca del {pct} por "
            "ciento del presupuesto del primer año de una nueva inversión.",
            "Desde {year}, las empresas de nuestra red han invertido en plantas de ambos lados "
            "de la frontera y han creado empleos en cada uno.",
            "Varios inversionistas con los que trabajamos aplazaron un proyecto cuando cambiaron "
            "las reglas de participación extranjera a mitad del trámite.",
            "Un registro único en línea habría ahorrado a nuestros inversionistas varios viajes "
            "entre las dos capitales.",
        ],
        "requests": [
            "Pedimos al diálogo que publique una guía conjunta para inversionistas que cubra "
            "ambos países.",
            "Solicitamos simplificar los trámites para abrir una empresa a los inversionistas "
            "del otro país.",
            "Recomendamos una oficina de enlace en cada gobierno para los proyectos de inversión "
            "transfronteriza.",
            "Ambos países deberían promover juntos la inversión en ambos sentidos en terceros "
            "mercados.",
            "Instamos a los gobiernos a mantener una protección sólida y predecible de las "
            "inversiones.",
        ],
    },
    "entrepreneurship": {
        "subjects": [
            "Las pequeñas empresas necesitan crédito para vender al otro lado de la frontera.",
            "Los emprendedores deberían contar con una ventanilla única para exportar.",
            "Los programas de acompañamiento ayudan a las pymes a entrar en las cadenas de "
            "suministro.",
            "¿Qué apoyos necesitan los emprendedores para crecer en ambos mercados?",
            "Las mujeres emprendedoras de la frontera necesitan mejor acceso al crédito.",
        ],
        "positions": [
            "Las pequeñas empresas generan la mayoría de los empleos a ambos lados de la "
            "frontera, pero casi nunca exportan.",
            "Los emprendedores necesitan crédito que reconozca sus ventas en las dos monedas.",
            "Una ventanilla única para los pequeños exportadores haría más que cualquier nuevo "
            "incentivo fiscal.",
            "El acompañamiento de las grandes empresas es la vía más rápida para que un pequeño "
            "proveedor cumpla las normas de una cadena global.",
            "Las empresas emergentes de la región fronteriza crecen más rápido cuando pueden "
            "contratar y vender en ambos países.",
            "Los trámites que una gran empresa absorbe sin problema pueden impedir que una pyme "
            "exporte.",
        ],
        "evidence": [
            "Presentamos el mismo formulario, en dos idiomas, ante tres dependencias antes de que "
            "saliera nuestro primer embarque.",
            "Solo alrededor del {pct} por ciento de las pequeñas empresas de nuestra cámara "
            "vende algo al otro país.",
            "Los bancos pidieron a nuestros socios garantías por el doble del crédito porque sus "
            "clientes estaban al otro lado de la frontera.",
            "Desde {year}, nuestro programa de acompañamiento ha vinculado a cuarenta pequeños "
            "proveedores con fabricantes de {goods}.",
            "Una empresa emergente de la ciudad perdió un contrato porque no pudo abrir a tiempo "
            "una cuenta bancaria en el otro país.",
        ],
        "requests": [
            "Pedimos al diálogo que apoye una red de centros de desarrollo para pequeñas empresas "
            "en ambos lados.",
            "Solicitamos una ventanilla única de exportación para pymes y emprendedores.",
            "Recomendamos garantías de crédito para las pequeñas empresas que venden al otro "
            "país.",
            "Ambos gobiernos deberían financiar programas de acompañamiento que vinculen a los "
            "emprendedores con grandes compradores.",
            "Instamos a simplificar las reglas para los emprendedores que quieran probar un "
            "producto en el otro mercado.",
        ],
    },
    "innovation": {
        "subjects": [
            "Los programas conjuntos de investigación impulsarían la innovación en {field}.",
            "Las universidades y las empresas deberían innovar juntas.",
            "Los trámites de patente deberían ser más rápidos para las invenciones conjuntas.",
            "¿Cómo pueden los centros de investigación compartir laboratorios?",
            "La innovación necesita investigadores que puedan moverse entre ambos países.",
        ],
        "positions": [
            "La innovación en {field} ocurre cada vez más en redes de universidades y empresas, "
            "no en un solo laboratorio.",
            "La investigación conjunta entre universidades de ambos lados de la frontera sigue "
            "siendo la excepción y no la regla.",
            "Los investigadores pierden meses en obtener visas y permisos para trabajar en un "
            "laboratorio asociado.",
            "La tecnología desarrollada en conjunto debería protegerse con patentes reconocidas "
            "en ambos países sin duplicar esfuerzos.",
            "Los parques científicos y tecnológicos cercanos a la frontera podrían ser un activo "
            "compartido de la región.",
            "Las empresas invierten más en investigación cuando cuentan con socios al otro lado "
            "de la frontera.",
        ],
        "evidence": [
            "Nuestra universidad firmó un convenio de investigación con una institución del otro "
            "lado, y tardamos dos años en trasladar el primer equipo.",
            "Desde {year}, el número de publicaciones conjuntas en {field} entre nuestras dos "
            "instituciones se ha triplicado.",
            "Registrar una patente en ambos países le cuesta a nuestro pequeño laboratorio cerca "
            "de {pct} mil dólares.",
            "Los estudiantes de posgrado en {field} nos dicen que se quedarían en la región si "
            "pudieran trabajar con empresas de ambos lados.",
            "Dos de nuestros proyectos de investigación en {field} se detuvieron porque las "
            "muestras no pudieron cruzar la frontera a tiempo.",
        ],
        "requests": [
            "Pedimos al diálogo un fondo binacional para la investigación conjunta en {field}.",
            "Solicitamos simplificar las visas de investigadores y estudiantes que trabajan en "
            "laboratorios asociados.",
            "Recomendamos el reconocimiento mutuo de los exámenes de patente para las invenciones "
            "conjuntas.",
            "Ambos gobiernos deberían apoyar las oficinas de transferencia de tecnología de las "
            "universidades fronterizas.",
            "Instamos a crear infraestructura de investigación compartida a lo largo de la "
            "frontera.",
        ],
    },
    "human-capital": {
        "subjects": [
            "La capacitación debe responder a las necesidades de la industria fronteriza.",
            "El reconocimiento de títulos profesionales beneficiaría a ambos países.",
            "Nos faltan {trade} a ambos lados de la frontera.",
            "¿Pueden funcionar los programas de aprendices entre los dos países?",
            "La educación y la capacitación son la base del capital humano.",
        ],
        "positions": [
            "El capital humano es el recurso que más falta a nuestras plantas, más que el "
            "terreno, la energía o el capital.",
            "Los programas de capacitación de {trade} no van al ritmo de la demanda de la región.",
            "Los títulos profesionales obtenidos en un país casi nunca se reconocen en el otro.",
            "Los programas de aprendices que combinan el aula con el trabajo en planta producen "
            "las habilidades que buscan los empleadores.",
            "Los trabajadores que hablan los dos idiomas y conocen los dos sistemas son el "
            "verdadero puente entre nuestras economías.",
            "Los sistemas educativos de ambos lados deben preparar a los estudiantes para la "
            "economía del siglo XXI.",
        ],
        "evidence": [
            "Perdemos alrededor del {pct} por ciento de los nuevos trabajadores en su primer año "
            "porque su capacitación no correspondía al puesto.",
            "Nuestros socios no logran cubrir cientos de vacantes de {trade}, aun con salarios "
            "por encima del promedio regional.",
            "Una ingeniera formada en México esperó casi dos años para que un consejo estatal "
            "reconociera su título.",
            "Desde {year}, nuestro programa de aprendices ha formado a más de trescientos "
            "trabajadores, y la mayoría sigue con su empleador.",
            "Los institutos tecnológicos de la región tienen largas listas de espera para los "
            "cursos de habilidades industriales.",
        ],
        "requests": [
            "Pedimos al diálogo que apoye programas conjuntos de capacitación para {trade}.",
            "Solicitamos avanzar hacia el reconocimiento mutuo de títulos profesionales y "
            "licencias.",
            "Recomendamos intercambios de maestros y estudiantes entre las escuelas técnicas de "
            "ambos lados.",
            "Ambos gobiernos deberían financiar programas de aprendices diseñados junto con los "
            "empleadores.",
            "Instamos a realizar un estudio conjunto de las habilidades que necesitará la "
            "industria fronteriza en la próxima década.",
        ],
    },
    "border-development": {
        "subjects": [
            "Las comunidades fronterizas deben participar del desarrollo económico.",
            "La vivienda y la infraestructura no han crecido al ritmo de la frontera.",
            "La economía fronteriza necesita inversión más allá de los puertos de entrada.",
            "¿Qué fortalecería el desarrollo económico de la frontera?",
            "El agua y las calles de las comunidades fronterizas merecen un plan conjunto.",
        ],
        "positions": [
            "Las comunidades fronterizas cargan con los costos del comercio, pero reciben muy "
            "pocos de sus beneficios.",
            "La infraestructura de la región fronteriza no ha crecido al ritmo de su población.",
            "El desarrollo económico de la frontera debería planearse en conjunto por las "
            "ciudades de cada lado.",
            "Hay poca vivienda cerca de los parques industriales, así que los trabajadores pasan "
            "horas en el transporte cada día.",
            "La región fronteriza podría convertirse en una sola zona económica en lugar de dos "
            "periferias separadas.",
            "La inversión en agua, calles y escuelas es tan importante para la economía "
            "fronteriza como los nuevos puentes.",
        ],
        "evidence": [
            "La población de nuestra región fronteriza ha crecido cerca de {pct} por ciento "
            "desde {year}, mientras que la red de calles casi no ha cambiado.",
            "Muchas familias de nuestra comunidad todavía no tienen un suministro confiable de "
            "agua potable.",
            "Los trabajadores de nuestra planta viajan más de una hora de ida porque no hay "
            "vivienda accesible cerca.",
            "Las ciudades hermanas de la frontera comparten el mismo aire y la misma agua, pero "
            "planean su infraestructura por separado.",
            "Los comercios cercanos al puente pierden clientes cada vez que aumentan los tiempos "
            "de cruce.",
        ],
        "requests": [
            "Pedimos al diálogo que apoye un plan de desarrollo conjunto para las ciudades "
            "hermanas de la frontera.",
            "Solicitamos destinar recursos de infraestructura a vivienda, agua y calles en las "
            "comunidades fronterizas.",
            "Recomendamos que los gobiernos locales de ambos lados participen en los grupos de "
            "trabajo del diálogo.",
            "Ambos países deberían medir el desarrollo económico de la región fronteriza con "
            "estadísticas compartidas.",
            "Instamos a apoyar a los pequeños comercios de las ciudades fronterizas que dependen "
            "de los visitantes del otro lado.",
        ],
    },
    "regional-fora": {
        "subjects": [
            "México y los Estados Unidos deberían coordinar sus posiciones en {forum}.",
            "El TPP es una oportunidad para fijar normas exigentes en el Pacífico.",
            "El APEC puede impulsar la facilitación aduanera en toda la región.",
            "¿Deberían ambos países hablar con una sola voz en el G20?",
            "Las negociaciones comerciales necesitan escuchar a las pequeñas empresas.",
        ],
        "positions": [
            "México y los Estados Unidos tienen más influencia en {forum} cuando presentan "
            "posiciones comunes.",
            "Las negociaciones del TPP son una oportunidad única para fijar normas exigentes en "
            "materia laboral, ambiental y de comercio digital.",
            "El APEC es el foro adecuado para impulsar la facilitación aduanera y la "
            "conectividad de las cadenas de suministro en Asia-Pacífico.",
            "En el G20 ambos países pueden impulsar juntos los mercados abiertos y combatir el "
            "proteccionismo.",
            "Las reglas multilaterales de la OMC siguen siendo la base sobre la que se "
            "construyen los acuerdos comerciales regionales.",
            "Los foros internacionales deberían escuchar al sector privado y a la sociedad "
            "civil, no solo a los gobiernos.",
        ],
        "evidence": [
            "Nuestros exportadores enfrentan reglas de origen distintas en cada acuerdo "
            "comercial, lo que eleva los costos de cumplimiento cerca de {pct} por ciento.",
            "Cuando las dos delegaciones se coordinaron en {forum} en {year}, el texto final "
            "reflejó las prioridades de ambos países.",
            "Las pequeñas empresas de nuestra red casi nunca se enteran de las negociaciones "
            "comerciales hasta que el acuerdo ya está firmado.",
            "Los compromisos de facilitación aduanera del APEC ya han acortado los tiempos de "
            "despacho de algunos de nuestros embarques.",
            "Las negociaciones comerciales multilaterales llevan años estancadas, mientras los "
            "acuerdos regionales avanzan.",
        ],
        "requests": [
            "Pedimos al diálogo que prepare posiciones conjuntas antes de cada reunión de "
            "{forum}.",
            "Solicitamos que se consulte al sector privado y a la sociedad civil durante las "
            "negociaciones del TPP.",
            "Recomendamos que ambos países promuevan juntos la facilitación aduanera en el APEC.",
            "Ambos gobiernos deberían informar públicamente sobre su coordinación en el G20.",
            "Instamos a los dos países a defender el sistema multilateral de comercio en la OMC.",
        ],
    },
    "global-competitiveness": {
        "subjects": [
            "Las cadenas de suministro de América del Norte deben competir con Asia.",
            "Alinear normas con Canadá beneficia a toda la región.",
            "La cooperación regulatoria haría más competitiva a América del Norte.",
            "¿Cómo puede la manufactura de América del Norte ganar en los mercados mundiales?",
            "Los mercados abiertos son la mejor respuesta al proteccionismo.",
        ],
        "positions": [
            "Las cadenas de suministro de América del Norte compiten como región, no como tres "
            "países separados.",
            "Las normas técnicas distintas en cada país agregan costos sin agregar seguridad.",
            "Junto con Canadá, México y los Estados Unidos forman una de las plataformas "
            "económicas más competitivas del mundo.",
            "La cooperación regulatoria es la manera más barata de hacer a la región más "
            "competitiva en los mercados mundiales.",
            "El proteccionismo en cualquiera de los tres países debilita las cadenas de "
            "suministro de todos.",
            "Un producto hecho en América del Norte suele cruzar nuestras fronteras varias veces "
            "antes de estar terminado.",
        ],
        "evidence": [
            "Una autoparte fabricada en nuestra planta cruza la frontera hasta {hours} veces "
            "antes de llegar a la línea de ensamble.",
            "Probamos los mismos {goods} con tres normas nacionales distintas antes de poder "
            "venderlos en América del Norte.",
            "Desde {year} hemos perdido contratos de {goods} frente a proveedores asiáticos con "
            "costos logísticos más bajos.",
            "Alinear una sola regla de etiquetado le ahorraría a nuestra empresa cerca de {pct} "
            "mil dólares al año.",
            "Nuestros clientes en los mercados mundiales piden un certificado de América del "
            "Norte, no tres certificados nacionales.",
        ],
        "requests": [
            "Pedimos al diálogo que trabaje con Canadá en normas comunes para los bienes "
            "manufacturados.",
            "Solicitamos un programa regional de cooperación regulatoria con plazos claros.",
            "Recomendamos una estrategia conjunta para promover las cadenas de suministro de "
            "América del Norte en los mercados mundiales.",
            "Los tres países deberían evitar nuevas barreras al comercio entre ellos.",
            "Instamos a los gobiernos a medir la competitividad de la región en su conjunto.",
        ],
    },
}

OPENINGS: dict[str, list[str]] = {
    "organization": [
        "En nombre de {org}, con sede en {city}, {state}, agradecemos la oportunidad de "
        "comentar.",
        "Escribo en representación de {org}, de {city}, {state}.",
        "{org} celebra el Diálogo Económico de Alto Nivel y presenta los siguientes "
        "comentarios.",
        "Estos comentarios los presenta {org}, que trabaja en {city} y en toda la región.",
        "Como representante de {org}, quisiera compartir nuestra experiencia con el diálogo.",
    ],
    "individual": [
        "Soy {job} en {city}, {state}, y cruzo la frontera con frecuencia por mi trabajo.",
        "Vivo en {city}, {state}, y quiero compartir mi punto de vista como {job}.",
        "Como {job} en {city}, sigo de cerca la relación económica entre nuestros países.",
        "Escribo como ciudadano y como {job} de {city}, {state}.",
    ],
}
TRANSITIONS: list[str] = [
    "Quisiéramos plantear un segundo punto.",
    "Hay un tema relacionado que también merece atención.",
    "También queremos comentar otro asunto.",
    "Además de lo anterior, nos preocupa otra cuestión.",
]
CLOSINGS: list[str] = [
    "Agradecemos la atención a estos comentarios.",
    "Quedamos a disposición de los grupos de trabajo para ampliar la información.",
    "Esperamos con interés los resultados del diálogo.",
    "Gracias por abrir esta consulta al público.",
    "Confiamos en que estos comentarios sean útiles para la agenda anual del diálogo.",
]
JOBS: list[str] = ["dueño de un pequeño negocio", "gerente de logística", "ingeniero",
                   "maestro", "agente aduanal", "estudiante", "economista jubilado",
                   "agricultor", "operador de tractocamión", "programador"]  # fmt: skip
