"""English sentences for demo and benchmark comments, per theme, grounded in the HLED fact sheet.

Each theme has subjects (whole sentences), positions, evidence and requests. `{slot}` marks are
filled from SLOTS when the bank is built (portal/seed/corpus.py), so one template gives several
sentences. The writer's own details (`{org}`, `{city}`, `{state}`, `{job}`) appear only in the
openings and closings, filled per comment.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "crossing": ["Laredo", "Otay Mesa", "Nogales", "Pharr", "Santa Teresa", "Calexico East",
                 "Brownsville", "El Paso", "Eagle Pass", "Del Rio"],
    "hours": ["two", "three", "four", "five", "six"],
    "pct": ["12", "15", "18", "20", "25", "30", "35", "40"],
    "goods": ["auto parts", "fresh produce", "medical devices", "aerospace components",
              "electronics", "steel coils", "appliances", "processed food"],
    "field": ["advanced manufacturing", "batteries", "semiconductors", "biotechnology",
              "agricultural science", "clean energy", "software", "materials science"],
    "trade": ["welders", "machinists", "truck drivers", "electricians", "software developers",
              "industrial technicians", "nurses", "logistics planners"],
    "forum": ["APEC", "the G20", "the WTO", "the TPP negotiations"],
    "year": ["2010", "2011", "2012"],
}

THEMES: dict[str, dict[str, list[str]]] = {
    "transportation": {
        "subjects": [
            "Pre-clearance would shorten truck crossings at {crossing}.",
            "Border wait times at {crossing} are raising the cost of {goods}.",
            "Why do trucks still wait {hours} hours at {crossing}?",
            "Shared inspection facilities should be a priority for the HLED.",
            "Cross-border rail needs the same attention as highways.",
        ],
        "positions": [
            "Truck crossings at {crossing} still take {hours} hours on a normal weekday, and "
            "that delay is now the largest hidden cost in our supply chain.",
            "The border should work as a shared port of entry, with one joint inspection "
            "instead of two consecutive ones.",
            "Pre-clearance of cargo away from the bridge is the single most useful measure the "
            "HLED could promote for transportation.",
            "Rail freight deserves as much attention as trucking, because a single train removes "
            "hundreds of trucks from the bridges.",
            "Customs procedures on both sides were designed for a much smaller volume of trade "
            "than the one we see today.",
            "Logistics companies cannot plan reliable schedules when crossing times change from "
            "one hour to {hours} hours without warning.",
        ],
        "evidence": [
            "Our drivers recorded their waits for six months: the median crossing at {crossing} "
            "was {hours} hours, and one truck in ten waited more than a full shift.",
            "Every extra hour at the bridge adds roughly {pct} dollars per load in fuel, wages "
            "and penalties for late delivery of {goods}.",
            "Since {year} the number of trucks crossing at {crossing} has grown faster than the "
            "number of open inspection lanes.",
            "Shippers of {goods} tell us they keep {pct} percent more inventory on hand only "
            "because the border is unpredictable.",
            "When the joint inspection pilot ran at {crossing}, our trucks crossed in less than "
            "half the usual time.",
            "A single paperwork error at customs can hold a load of {goods} for a whole day, "
            "even when the freight itself is in order.",
            "The railway bridge near {crossing} operates at capacity for most of the year, so "
            "new rail service cannot be added.",
        ],
        "requests": [
            "We ask the HLED to expand cargo pre-clearance to {crossing} and to other busy "
            "ports of entry.",
            "Please fund additional inspection lanes and staff them during the evening peak.",
            "We recommend a single electronic customs window recognized by both governments.",
            "The two countries should publish real-time crossing times for freight, lane by "
            "lane.",
            "We urge both governments to plan new rail and highway bridges together rather than "
            "separately.",
        ],
    },
    "telecommunications": {
        "subjects": [
            "Broadband along the border would connect suppliers on both sides.",
            "Cross-border roaming charges hurt small exporters.",
            "Spectrum coordination at the border needs a permanent agreement.",
            "Can the HLED make fiber networks a shared priority?",
            "Rural connectivity should be part of the telecommunications agenda.",
        ],
        "positions": [
            "Reliable broadband is now as important to a border factory as electricity or "
            "water.",
            "Telecommunications networks on the two sides of the border were built as if the "
            "other country did not exist.",
            "Spectrum interference near the border limits the mobile services that both "
            "countries can offer.",
            "Small businesses pay international roaming prices for what is, in practice, a "
            "local call across the river.",
            "Fiber networks that cross the border would give suppliers the connectivity they "
            "need to join larger supply chains.",
            "Competition in telecommunications lowers prices for every other sector of the "
            "economy.",
        ],
        "evidence": [
            "Our plant relies on a single fiber link, and when it fails production stops for "
            "the whole shift.",
            "A survey of our members found that {pct} percent of them pay roaming charges every "
            "month for calls to suppliers a few miles away.",
            "Mobile coverage drops to nothing on long stretches of highway between the border "
            "and the industrial parks.",
            "Since {year}, data traffic between our offices on both sides has grown more than "
            "tenfold.",
            "Rural schools in the border region still connect to the internet at speeds that "
            "cannot carry a video lesson.",
            "Coordinating spectrum assignments took our engineers more than a year for a single "
            "tower near the border.",
        ],
        "requests": [
            "We ask both regulators to sign a lasting agreement on spectrum use near the border.",
            "Please consider a border roaming zone where mobile calls are charged as local.",
            "We recommend joint funding for cross-border fiber links to industrial parks.",
            "The HLED should encourage investment in broadband for rural communities along the "
            "border.",
            "Both governments should share information on network outages that affect the "
            "other side.",
        ],
    },
    "energy": {
        "subjects": [
            "Cross-border electricity trade needs compatible grid standards.",
            "Natural gas pipelines are the backbone of our competitiveness.",
            "Renewable energy projects at the border need faster permits.",
            "Why does a transmission line take a decade to approve?",
            "Energy integration should be a pillar of North American competitiveness.",
        ],
        "positions": [
            "North American energy integration is the strongest advantage our region has over "
            "its competitors.",
            "Electricity trade across the border is held back by grid standards that were never "
            "designed to work together.",
            "Natural gas from the United States has transformed the cost of manufacturing in "
            "northern Mexico.",
            "Solar and wind projects on both sides of the border could share transmission lines "
            "and serve both markets.",
            "Permits for cross-border pipelines and transmission lines take far too long.",
            "A stable and predictable energy policy matters more to investors than any single "
            "incentive.",
        ],
        "evidence": [
            "Our company waited more than four years for the permits of a short transmission "
            "line that crosses the border.",
            "Industrial users in our region pay about {pct} percent more for electricity than "
            "competitors a few hundred miles away.",
            "Since {year}, pipeline imports of natural gas have replaced much of the fuel oil "
            "that local power plants used to burn.",
            "The border region has some of the best solar resources on the continent, yet most "
            "of it is still unused.",
            "Two grid operators that cannot exchange data in real time must keep extra reserves "
            "on both sides.",
            "A blackout on one side of the border last summer stopped factories that depend on "
            "power from the other.",
        ],
        "requests": [
            "We ask the HLED to create a joint working group on grid standards and transmission.",
            "Please set a common timetable for the permits of cross-border pipelines and power "
            "lines.",
            "We recommend that both regulators publish their energy plans for the border region "
            "together.",
            "The two governments should support renewable energy projects that serve both "
            "markets.",
            "We urge coordination of emergency plans for the power grid across the border.",
        ],
    },
    "investment": {
        "subjects": [
            "Two-way investment needs clearer rules for investors.",
            "Opening a company across the border should take weeks, not months.",
            "Mexican investment in the United States deserves more attention.",
            "How can small investors navigate two legal systems?",
            "Investor protection is the basis of two-way investment.",
        ],
        "positions": [
            "Two-way investment is the most durable link between our economies, more than trade "
            "itself.",
            "Investors on both sides need clear and stable rules before they commit capital for "
            "decades.",
            "Opening a company across the border still requires too many procedures in too many "
            "offices.",
            "Mexican companies are investing in the United States at a pace that few people "
            "recognize.",
            "Foreign direct investment follows predictability, and predictability follows "
            "transparent regulation.",
            "Small investors are discouraged by the cost of lawyers and consultants on both "
            "sides.",
        ],
        "evidence": [
            "It took our firm seven months and eleven separate procedures to open a subsidiary "
            "across the border.",
            "Our members report that legal and advisory fees consume about {pct} percent of the "
            "first-year budget of a new cross-border venture.",
            "Since {year}, the companies in our network have invested in plants on both sides of "
            "the border, creating jobs in each.",
            "Investors we work with postponed a project when the rules for foreign ownership "
            "changed during the approval process.",
            "A single online registry would have saved our investors several trips between the "
            "two capitals.",
        ],
        "requests": [
            "We ask the HLED to publish a joint guide for investors that covers both countries.",
            "Please simplify the procedures to open a company for investors from the other "
            "country.",
            "We recommend a contact point in each government for investors with cross-border "
            "projects.",
            "Both countries should promote two-way investment together in third markets.",
            "We urge the governments to keep investor protection strong and predictable.",
        ],
    },
    "entrepreneurship": {
        "subjects": [
            "Small businesses need credit to sell across the border.",
            "Entrepreneurs should have a one-stop window for exports.",
            "Mentoring programs can help small firms join supply chains.",
            "What support do startups need to grow in both markets?",
            "Women entrepreneurs on the border need better access to credit.",
        ],
        "positions": [
            "Small businesses are the majority of employers on both sides of the border, but "
            "they rarely export.",
            "Entrepreneurs need access to credit that recognizes sales in both currencies.",
            "A one-stop window for small exporters would do more than any new tax incentive.",
            "Mentoring by larger companies is the fastest way for a small supplier to meet the "
            "standards of a global supply chain.",
            "Startups in the border region grow faster when they can hire and sell in both "
            "countries.",
            "The paperwork that a large company absorbs easily can stop a small business from "
            "exporting at all.",
        ],
        "evidence": [
            "We filed the same form, in two languages, with three agencies before our first "
            "shipment could leave.",
            "Only about {pct} percent of the small businesses in our chamber sell anything to "
            "the other country.",
            "Banks asked our members for guarantees worth twice the value of the loan because "
            "their customers were across the border.",
            "Since {year} our mentoring program has paired forty small suppliers with large "
            "manufacturers of {goods}.",
            "A local startup lost a contract with a customer across the border because it could "
            "not open a bank account there in time.",
        ],
        "requests": [
            "We ask the HLED to support a network of small business development centers on both "
            "sides.",
            "Please create a single export window for small businesses and entrepreneurs.",
            "We recommend credit guarantees for small firms that sell to the other country.",
            "Both governments should fund mentoring programs that connect startups with large "
            "buyers.",
            "We urge simpler rules for entrepreneurs who want to test a product in the other "
            "market.",
        ],
    },
    "innovation": {
        "subjects": [
            "Joint research programs would speed innovation in {field}.",
            "Universities and companies should innovate together across the border.",
            "Patent procedures should be faster for joint inventions.",
            "How can research centers share laboratories across the border?",
            "Innovation needs researchers who can move between both countries.",
        ],
        "positions": [
            "Innovation in {field} increasingly happens in networks of universities and "
            "companies, not in a single laboratory.",
            "Joint research between universities on both sides of the border is still the "
            "exception rather than the rule.",
            "Researchers lose months obtaining visas and permits to work in a partner "
            "laboratory.",
            "Technology developed together should be protected by patents recognized in both "
            "countries without duplicated effort.",
            "Science and technology parks near the border could become a shared asset for the "
            "region.",
            "Companies invest more in research when they can count on partners across the "
            "border.",
        ],
        "evidence": [
            "Our university signed a research agreement with a partner across the border, and "
            "it took two years to transfer the first equipment.",
            "Since {year} the number of joint publications in {field} between our two "
            "institutions has tripled.",
            "Filing a patent in both countries costs our small laboratory about {pct} thousand "
            "dollars.",
            "Graduate students in {field} told us they would stay in the region if they could "
            "work with companies on both sides.",
            "Two of our research projects in {field} stalled because samples could not cross "
            "the border in time.",
        ],
        "requests": [
            "We ask the HLED to create a binational fund for joint research in {field}.",
            "Please simplify visas for researchers and students who work in partner "
            "laboratories.",
            "We recommend mutual recognition of patent examinations for joint inventions.",
            "Both governments should support technology transfer offices at border "
            "universities.",
            "We urge the creation of shared research infrastructure along the border.",
        ],
    },
    "human-capital": {
        "subjects": [
            "Workforce training should follow the needs of border industries.",
            "Recognition of professional credentials would help both countries.",
            "We need more {trade} on both sides of the border.",
            "Can apprenticeship programs work across the border?",
            "Education and training are the foundation of human capital.",
        ],
        "positions": [
            "Human capital is the resource that our factories lack most, more than land, energy "
            "or capital.",
            "Training programs for {trade} do not keep pace with the demand of the region.",
            "Professional credentials earned in one country are rarely recognized in the other.",
            "Apprenticeship programs that combine classroom education with work in a plant "
            "produce the skills employers need.",
            "Workers who speak both languages and understand both systems are the real bridge "
            "between our economies.",
            "Education systems on both sides should prepare students for the 21st-century "
            "economy, not the last one.",
        ],
        "evidence": [
            "We lose about {pct} percent of new hires within a year because their training did "
            "not match the job.",
            "Our members cannot fill hundreds of openings for {trade}, even with wages above the "
            "regional average.",
            "An engineer trained in Mexico waited almost two years to have her degree recognized "
            "by a state board.",
            "Since {year} our apprenticeship program has trained more than three hundred "
            "workers, and most of them stayed with their employer.",
            "Community colleges in the region report long waiting lists for courses in "
            "industrial skills.",
        ],
        "requests": [
            "We ask the HLED to support joint training programs for {trade}.",
            "Please work toward mutual recognition of professional credentials and licenses.",
            "We recommend exchanges of teachers and students between technical schools on both "
            "sides.",
            "Both governments should fund apprenticeships designed together with employers.",
            "We urge a shared study of the skills that border industries will need in the next "
            "decade.",
        ],
    },
    "border-development": {
        "subjects": [
            "Border communities should share in economic development.",
            "Housing and infrastructure have not kept up with border growth.",
            "The border economy needs investment beyond the ports of entry.",
            "What would strengthen economic development along the border?",
            "Water and roads in border communities deserve a joint plan.",
        ],
        "positions": [
            "Border communities carry the costs of trade but receive too little of its "
            "benefits.",
            "Infrastructure in the border region has not kept pace with the growth of its "
            "population.",
            "Economic development along the border should be planned jointly by the cities on "
            "each side.",
            "Housing near the industrial parks is scarce, so workers spend hours commuting every "
            "day.",
            "The border region could become a single economic area rather than two separate "
            "peripheries.",
            "Investment in water, roads and schools is as important to the border economy as "
            "new bridges.",
        ],
        "evidence": [
            "The population of our border region has grown by about {pct} percent since {year}, "
            "while the road network has barely changed.",
            "Many families in our community still lack a reliable supply of drinking water.",
            "Workers at our plant travel more than an hour each way because there is no "
            "affordable housing nearby.",
            "Sister cities on the border share the same air and water, yet they plan their "
            "infrastructure separately.",
            "Local businesses near the bridge lose customers whenever crossing times grow "
            "longer.",
        ],
        "requests": [
            "We ask the HLED to support a joint development plan for the sister cities of the "
            "border.",
            "Please direct infrastructure funding to housing, water and roads in border "
            "communities.",
            "We recommend that local governments on both sides take part in the HLED working "
            "groups.",
            "Both countries should measure the economic development of the border region with "
            "shared statistics.",
            "We urge support for small businesses in border towns that depend on visitors from "
            "the other side.",
        ],
    },
    "regional-fora": {
        "subjects": [
            "The United States and Mexico should coordinate their positions in {forum}.",
            "The TPP is a chance to set high standards for the Pacific.",
            "APEC can advance customs facilitation for the whole region.",
            "Should the two countries speak with one voice in the G20?",
            "Trade negotiations need the input of small businesses.",
        ],
        "positions": [
            "The United States and Mexico have more influence in {forum} when they present "
            "common positions.",
            "The TPP negotiations are a unique chance to set high standards on labor, the "
            "environment and digital trade.",
            "APEC is the right forum to advance customs facilitation and supply chain "
            "connectivity in the Asia-Pacific region.",
            "In the G20 both countries can push together for open markets and against "
            "protectionism.",
            "Multilateral rules at the WTO remain the foundation on which regional trade "
            "agreements are built.",
            "International fora should hear from the private sector and civil society, not "
            "only from governments.",
        ],
        "evidence": [
            "Our exporters face different rules of origin in each trade agreement, which raises "
            "compliance costs by about {pct} percent.",
            "When the two delegations coordinated in {forum} in {year}, the final text reflected "
            "priorities of both countries.",
            "Small businesses in our network rarely hear about trade negotiations until the "
            "agreement is already signed.",
            "Customs facilitation commitments made in APEC have already shortened clearance "
            "times for some of our shipments.",
            "The multilateral trade negotiations have stalled for years, while regional "
            "agreements have moved ahead.",
        ],
        "requests": [
            "We ask the HLED to prepare joint positions before each meeting of {forum}.",
            "Please consult the private sector and civil society during the TPP negotiations.",
            "We recommend that both countries promote customs facilitation in APEC together.",
            "Both governments should report publicly on their coordination in the G20.",
            "We urge the two countries to defend the multilateral trading system at the WTO.",
        ],
    },
    "global-competitiveness": {
        "subjects": [
            "North American supply chains must compete with Asia.",
            "Aligning standards with Canada helps the whole region.",
            "Regulatory cooperation would make North America more competitive.",
            "How can North American manufacturing win in global markets?",
            "Open markets are the best answer to protectionism.",
        ],
        "positions": [
            "North American supply chains compete as a region, not as three separate countries.",
            "Different technical standards in each country add cost without adding safety.",
            "Together with Canada, the United States and Mexico form one of the most competitive "
            "economic platforms in the world.",
            "Regulatory cooperation is the cheapest way to make the region more competitive in "
            "global markets.",
            "Protectionism in any of the three countries weakens the supply chains of all of "
            "them.",
            "A product made in North America usually crosses our borders several times before "
            "it is finished.",
        ],
        "evidence": [
            "A car part made in our plant crosses the border up to {hours} times before it "
            "reaches the assembly line.",
            "We test the same {goods} against three different national standards before we can "
            "sell them across North America.",
            "Since {year} we have lost contracts for {goods} to suppliers in Asia that offer "
            "lower logistics costs.",
            "Aligning a single labeling rule would save our company about {pct} thousand dollars "
            "a year.",
            "Our customers in global markets ask for one North American certificate, not three "
            "national ones.",
        ],
        "requests": [
            "We ask the HLED to work with Canada on common standards for manufactured goods.",
            "Please create a regional program of regulatory cooperation with clear deadlines.",
            "We recommend a joint strategy to promote North American supply chains in global "
            "markets.",
            "The three countries should avoid new barriers to trade among themselves.",
            "We urge the governments to measure the competitiveness of the region as a whole.",
        ],
    },
}

# {org}, {city}, {state}, {job}: the writer's own details.
OPENINGS: dict[str, list[str]] = {
    "organization": [
        "On behalf of {org}, based in {city}, {state}, I thank you for the opportunity to "
        "comment.",
        "I write on behalf of {org} in {city}, {state}.",
        "{org} welcomes the High Level Economic Dialogue and submits the following comments.",
        "These comments are submitted by {org}, which works in {city} and across the region.",
        "As a representative of {org}, I would like to share our experience with the HLED.",
    ],
    "individual": [
        "I am a {job} in {city}, {state}, and I cross the border often for my work.",
        "I live in {city}, {state}, and I want to share my view as a {job}.",
        "As a {job} in {city}, I follow the economic relationship between our countries "
        "closely.",
        "I am writing as a private citizen and a {job} from {city}, {state}.",
    ],
}
TRANSITIONS: list[str] = [
    "There is a second point we would like to raise.",
    "A related issue also deserves attention.",
    "We would also like to comment on another matter.",
    "Beyond this, there is a further concern.",
]
CLOSINGS: list[str] = [
    "Thank you for considering these comments.",
    "We remain available to share more information with the working groups.",
    "We look forward to the results of the dialogue.",
    "Thank you for opening this consultation to the public.",
    "We hope these comments are useful for the annual agenda of the HLED.",
]
JOBS: list[str] = ["small business owner", "logistics manager", "engineer", "teacher",
                   "customs broker", "student", "retired economist", "farmer", "truck driver",
                   "software developer"]  # fmt: skip
