//! General English lexicons for name extraction: the world's countries (with their demonyms and capitals),
//! continents and large regions, honorifics and titles, the head nouns that mark organisations, places and
//! events, and the common words that start English sentences without being names.
//!
//! Everything here is general knowledge of English and of the world's map, never the subject of a
//! particular corpus. Every lookup takes a lower-case word or phrase (dashes written as `-`, runs of
//! whitespace as one space) and is one hash lookup in a table of every lexicon's entries, which also
//! answers all of a word's lexicons at once ([`flags`]): constant time per query.

use crate::extract::fasthash::{FastMap as HashMap, FastSet as HashSet};
use std::sync::OnceLock;

/// Countries and a few widely named territories: `name|demonyms|capital`. Alternative names are separated
/// by `/`, demonyms by `,`.
const COUNTRIES: &str = "\
Afghanistan|Afghan|Kabul
Albania|Albanian|Tirana
Algeria|Algerian|Algiers
Andorra|Andorran|Andorra la Vella
Angola|Angolan|Luanda
Antigua and Barbuda|Antiguan|Saint John's
Argentina|Argentine,Argentinian|Buenos Aires
Armenia|Armenian|Yerevan
Australia|Australian|Canberra
Austria|Austrian|Vienna
Azerbaijan|Azerbaijani,Azeri|Baku
Bahamas/The Bahamas|Bahamian|Nassau
Bahrain|Bahraini|Manama
Bangladesh|Bangladeshi|Dhaka
Barbados|Barbadian|Bridgetown
Belarus|Belarusian,Belarussian|Minsk
Belgium|Belgian|Brussels
Belize|Belizean|Belmopan
Benin|Beninese|Porto-Novo
Bhutan|Bhutanese|Thimphu
Bolivia|Bolivian|Sucre/La Paz
Bosnia and Herzegovina/Bosnia|Bosnian|Sarajevo
Botswana|Botswanan|Gaborone
Brazil|Brazilian|Brasilia/Brasília
Brunei|Bruneian|Bandar Seri Begawan
Bulgaria|Bulgarian|Sofia
Burkina Faso|Burkinabe|Ouagadougou
Burundi|Burundian|Gitega
Cambodia|Cambodian|Phnom Penh
Cameroon|Cameroonian|Yaounde/Yaoundé
Canada|Canadian|Ottawa
Cape Verde/Cabo Verde|Cape Verdean|Praia
Central African Republic|Central African|Bangui
Chad|Chadian|N'Djamena
Chile|Chilean|Santiago
China|Chinese|Beijing
Colombia|Colombian|Bogota/Bogotá
Comoros|Comorian|Moroni
Congo/Republic of the Congo/Democratic Republic of the Congo/DR Congo|Congolese|Kinshasa/Brazzaville
Costa Rica|Costa Rican|San Jose/San José
Croatia|Croatian,Croat|Zagreb
Cuba|Cuban|Havana
Cyprus|Cypriot|Nicosia
Czech Republic/Czechia|Czech|Prague
Denmark|Danish,Dane|Copenhagen
Djibouti|Djiboutian|Djibouti
Dominica|Dominican|Roseau
Dominican Republic|Dominican|Santo Domingo
East Timor/Timor-Leste|Timorese|Dili
Ecuador|Ecuadorian|Quito
Egypt|Egyptian|Cairo
El Salvador|Salvadoran|San Salvador
Equatorial Guinea|Equatoguinean|Malabo
Eritrea|Eritrean|Asmara
Estonia|Estonian|Tallinn
Eswatini/Swaziland|Swazi|Mbabane
Ethiopia|Ethiopian|Addis Ababa
Fiji|Fijian|Suva
Finland|Finnish,Finn|Helsinki
France|French|Paris
Gabon|Gabonese|Libreville
Gambia/The Gambia|Gambian|Banjul
Georgia|Georgian|Tbilisi
Germany|German|Berlin
Ghana|Ghanaian|Accra
Greece|Greek|Athens
Grenada|Grenadian|Saint George's
Guatemala|Guatemalan|Guatemala City
Guinea|Guinean|Conakry
Guinea-Bissau|Bissau-Guinean|Bissau
Guyana|Guyanese|Georgetown
Haiti|Haitian|Port-au-Prince
Honduras|Honduran|Tegucigalpa
Hungary|Hungarian|Budapest
Iceland|Icelandic,Icelander|Reykjavik
India|Indian|New Delhi/Delhi
Indonesia|Indonesian|Jakarta
Iran|Iranian,Persian|Tehran
Iraq|Iraqi|Baghdad
Ireland|Irish|Dublin
Israel|Israeli|Jerusalem
Italy|Italian|Rome
Ivory Coast/Côte d'Ivoire/Cote d'Ivoire|Ivorian|Yamoussoukro/Abidjan
Jamaica|Jamaican|Kingston
Japan|Japanese|Tokyo
Jordan|Jordanian|Amman
Kazakhstan|Kazakh,Kazakhstani|Astana/Nur-Sultan
Kenya|Kenyan|Nairobi
Kiribati|I-Kiribati|Tarawa
Kosovo|Kosovar|Pristina
Kuwait|Kuwaiti|Kuwait City
Kyrgyzstan/Kyrgyz Republic|Kyrgyz,Kyrgyzstani|Bishkek
Laos|Lao,Laotian|Vientiane
Latvia|Latvian|Riga
Lebanon|Lebanese|Beirut
Lesotho|Basotho|Maseru
Liberia|Liberian|Monrovia
Libya|Libyan|Tripoli
Liechtenstein|Liechtensteiner|Vaduz
Lithuania|Lithuanian|Vilnius
Luxembourg|Luxembourgish,Luxembourger|Luxembourg
Madagascar|Malagasy|Antananarivo
Malawi|Malawian|Lilongwe
Malaysia|Malaysian|Kuala Lumpur
Maldives|Maldivian|Male
Mali|Malian|Bamako
Malta|Maltese|Valletta
Marshall Islands|Marshallese|Majuro
Mauritania|Mauritanian|Nouakchott
Mauritius|Mauritian|Port Louis
Mexico|Mexican|Mexico City
Micronesia|Micronesian|Palikir
Moldova|Moldovan|Chisinau/Chișinău
Monaco|Monegasque|Monaco
Mongolia|Mongolian|Ulaanbaatar/Ulan Bator
Montenegro|Montenegrin|Podgorica
Morocco|Moroccan|Rabat
Mozambique|Mozambican|Maputo
Myanmar/Burma|Burmese|Naypyidaw
Namibia|Namibian|Windhoek
Nauru|Nauruan|Yaren
Nepal|Nepali,Nepalese|Kathmandu
Netherlands/The Netherlands/Holland|Dutch|Amsterdam/The Hague
New Zealand|New Zealander|Wellington
Nicaragua|Nicaraguan|Managua
Niger|Nigerien|Niamey
Nigeria|Nigerian|Abuja
North Korea|North Korean|Pyongyang
North Macedonia/Macedonia|Macedonian|Skopje
Norway|Norwegian|Oslo
Oman|Omani|Muscat
Pakistan|Pakistani|Islamabad
Palau|Palauan|Ngerulmud
Palestine|Palestinian|Ramallah
Panama|Panamanian|Panama City
Papua New Guinea|Papua New Guinean|Port Moresby
Paraguay|Paraguayan|Asuncion/Asunción
Peru|Peruvian|Lima
Philippines/The Philippines|Filipino,Philippine|Manila
Poland|Polish,Pole|Warsaw
Portugal|Portuguese|Lisbon
Qatar|Qatari|Doha
Romania|Romanian|Bucharest
Russia/Russian Federation|Russian|Moscow
Rwanda|Rwandan|Kigali
Saint Kitts and Nevis|Kittitian|Basseterre
Saint Lucia|Saint Lucian|Castries
Saint Vincent and the Grenadines|Vincentian|Kingstown
Samoa|Samoan|Apia
San Marino|Sammarinese|San Marino
Sao Tome and Principe/São Tomé and Príncipe|Santomean|Sao Tome
Saudi Arabia|Saudi,Saudi Arabian|Riyadh
Senegal|Senegalese|Dakar
Serbia|Serbian,Serb|Belgrade
Seychelles|Seychellois|Victoria
Sierra Leone|Sierra Leonean|Freetown
Singapore|Singaporean|Singapore
Slovakia|Slovak|Bratislava
Slovenia|Slovenian,Slovene|Ljubljana
Solomon Islands|Solomon Islander|Honiara
Somalia|Somali|Mogadishu
South Africa|South African|Pretoria/Cape Town/Johannesburg
South Korea/Korea|South Korean,Korean|Seoul
South Sudan|South Sudanese|Juba
Spain|Spanish,Spaniard|Madrid
Sri Lanka|Sri Lankan|Colombo
Sudan|Sudanese|Khartoum
Suriname|Surinamese|Paramaribo
Sweden|Swedish,Swede|Stockholm
Switzerland|Swiss|Bern/Geneva/Zurich
Syria|Syrian|Damascus
Taiwan|Taiwanese|Taipei
Tajikistan|Tajik,Tajikistani|Dushanbe
Tanzania|Tanzanian|Dodoma
Thailand|Thai|Bangkok
Togo|Togolese|Lome/Lomé
Tonga|Tongan|Nuku'alofa
Trinidad and Tobago|Trinidadian|Port of Spain
Tunisia|Tunisian|Tunis
Turkey/Türkiye|Turkish,Turk|Ankara/Istanbul
Turkmenistan|Turkmen|Ashgabat
Tuvalu|Tuvaluan|Funafuti
Uganda|Ugandan|Kampala
Ukraine|Ukrainian|Kyiv/Kiev
United Arab Emirates|Emirati|Abu Dhabi/Dubai
United Kingdom/Great Britain/Britain|British,Briton|London
United States/United States of America/America|American|Washington/Washington, D.C.
Uruguay|Uruguayan|Montevideo
Uzbekistan|Uzbek,Uzbekistani|Tashkent
Vanuatu|Vanuatuan|Port Vila
Vatican City/Holy See/Vatican|Vatican|Vatican City
Venezuela|Venezuelan|Caracas
Vietnam/Viet Nam|Vietnamese|Hanoi
Yemen|Yemeni|Sanaa/Sana'a
Zambia|Zambian|Lusaka
Zimbabwe|Zimbabwean|Harare
England|English|
Scotland|Scottish,Scot|Edinburgh
Wales|Welsh|Cardiff
Northern Ireland|Northern Irish|Belfast
Greenland|Greenlandic|Nuuk
Hong Kong||
Macau/Macao||
Puerto Rico|Puerto Rican|San Juan
Crimea|Crimean|
Tibet|Tibetan|Lhasa
Chechnya|Chechen|Grozny
Siberia|Siberian|
";

/// Continents, oceans and large regions. Each is a place by itself; a directional word before it
/// (`Central`, `Eastern`, `South`) gives another place (`Central Asia`, `South Caucasus`).
const REGIONS: &str = "\
africa, asia, europe, america, americas, north america, south america, latin america, central america,\
oceania, antarctica, arctic, antarctic, eurasia, middle east, near east, far east, caucasus, balkans,\
baltics, scandinavia, caribbean, mediterranean, sahel, maghreb, levant, persian gulf,\
arabian peninsula, horn of africa, pacific, atlantic, indian ocean, pacific ocean, atlantic ocean,\
arctic ocean, black sea, caspian sea, red sea, baltic sea, north sea, south china sea,\
sub-saharan africa, indo-pacific, asia-pacific, central asia, south asia, southeast asia, east asia,\
west africa, east africa, north africa, southern africa, central europe, eastern europe,\
western europe, west, east, global south, global north
";

/// Well-known abbreviations of country names, each with the name it stands for.
const COUNTRY_ABBREVIATIONS: &[(&str, &str)] = &[
    ("us", "united states"),
    ("usa", "united states"),
    ("u.s", "united states"),
    ("u.s.", "united states"),
    ("u.s.a.", "united states"),
    ("uk", "united kingdom"),
    ("u.k.", "united kingdom"),
    ("uae", "united arab emirates"),
    ("prc", "china"),
    ("drc", "democratic republic of the congo"),
    ("dprk", "north korea"),
    ("rok", "south korea"),
];

/// Adjectives of region and direction that, like demonyms, are not names by themselves.
const REGION_ADJECTIVES: &str = "\
central, western, eastern, northern, southern, northeastern, northwestern, southeastern, southwestern,\
soviet, post-soviet, european, asian, african, american, eurasian, arab, arabic, latin, slavic, nordic,\
baltic, balkan, caucasian, turkic, persian, mediterranean, atlantic, transatlantic, pacific, caspian,\
siberian, middle, upper, lower, greater, inner, outer, pan-african, anglo, islamic, muslim, christian,\
jewish, orthodox, catholic, protestant, sunni, shia, shiite, hindu, buddhist, western-led, communist,\
imperial, tsarist, ottoman, byzantine, roman, mongol, hispanic, oriental, occidental, eurasianist,\
eurocentric
";

/// Directional words that combine with a place to name a region (`Central Asia`, `Eastern Ukraine`).
const DIRECTIONS: &str = "\
central, western, eastern, northern, southern, north, south, east, west, northeast, northwest,\
southeast, southwest, upper, lower, greater, inner, outer, wider
";

/// Person titles and honorifics written before a name (`President`, `Dr`, `Minister`).
const TITLES: &str = "\
president, vice-president, vice president, premier, prime, minister, chancellor, secretary, senator,\
congressman, congresswoman, representative, governor, mayor, king, queen, prince, princess, emperor,\
empress, sheikh, emir, sultan, shah, tsar, czar, general, colonel, major, captain, lieutenant, admiral,\
sergeant, marshal, commander, doctor, professor, mr, mrs, ms, miss, mx, sir, dame, lord, lady, judge,\
justice, ambassador, chairman, chairwoman, chairperson, chair, director, ceo, cfo, coo, cto, founder,\
co-founder, cofounder, pope, cardinal, bishop, archbishop, rabbi, imam, patriarch, father, reverend,\
deputy, speaker, spokesman, spokeswoman, spokesperson, commissioner, fellow, lecturer, dean, rector,\
provost, chief, head, leader, envoy, counterpart, dr, prof, gen, sen, rep, gov, lt, col, capt, sgt,\
rev, hon, atty, supt, insp, president-elect, ayatollah, mullah, editor, economist
";

/// Words that qualify a title (`Prime Minister`, `Foreign Minister`, `Adjunct Assistant Professor`); they
/// belong to the title, not to the name after it.
const TITLE_MODIFIERS: &str = "\
prime, deputy, vice, foreign, defence, defense, finance, interior, economy, economic, trade, energy,\
health, education, justice, home, chief, executive, senior, junior, former, first, acting, assistant,\
associate, adjunct, visiting, emeritus, managing, general, attorney, state, principal, research,\
regius, distinguished, honorary, interim, incoming, outgoing, late, then, co, supreme, grand, crown
";

/// Abbreviated titles written with a period before a name (`Dr. Luca`, `Mr. Smith`).
const TITLE_ABBREVIATIONS: &str = "\
mr, mrs, ms, mx, dr, prof, gen, sen, rep, gov, lt, col, capt, sgt, rev, hon, atty, supt, insp, maj,\
adm, cmdr, pres, amb, fr, sr, jr
";

/// Abbreviations written with a period inside a name that are not titles (`St. Petersburg`).
const NAME_ABBREVIATIONS: &str = "\
st, mt, ft, ste, pt, co, corp, inc, ltd, bros
";

/// Role nouns that, in an apposition or right before a name, show that the name is a person's
/// (`X, a professor at`, `his counterpart X`, `X is the CEO of`).
const ROLE_WORDS: &str = "\
professor, president, minister, director, fellow, analyst, expert, scholar, researcher, journalist,\
author, economist, co-founder, cofounder, founder, chairman, chairwoman, chair, ceo, cfo, head,\
spokesman, spokeswoman, spokesperson, adviser, advisor, lecturer, editor, correspondent, ambassador,\
senator, governor, mayor, diplomat, historian, politician, lawmaker, official, officer, commander,\
general, secretary, counterpart, leader, premier, chancellor, deputy, manager, engineer, scientist,\
hydrologist, biologist, geologist, writer, reporter, columnist, student, graduate, member, partner,\
lawyer, attorney, judge, doctor, physician, surgeon, specialist, consultant, entrepreneur, businessman,\
businesswoman, investor, banker, activist, candidate, commissioner, envoy, representative, dean,\
rector, coordinator, captain, colonel, sergeant, lieutenant, admiral, king, queen, prince, princess,\
son, daughter, wife, husband, brother, sister, father, mother, executive, chief, treasurer, auditor,\
inspector, architect, designer, artist, poet, novelist, actor, actress, singer, player, coach, captain,\
pilot, sailor, skipper, founder-director
";

/// Verbs of saying that, right after a name of two or three words, show it is a person's.
const SPEECH_VERBS: &str = "\
said, says, told, tells, explained, explains, added, adds, noted, notes, observed, observes, argued,\
argues, stated, states, commented, comments, wrote, writes, warned, warns, claimed, claims, believes,\
believed, suggested, suggests, emphasized, emphasised, emphasizes, emphasises, stressed, stresses,\
insisted, insists, recalled, recalls, concluded, acknowledged, remarked, replied, asked, thinks,\
thought, recommended, recommends, cautioned, admitted, announced, announces, declared, urged
";

/// Head nouns that make a name an organisation (`Union`, `Bank`, `Institute`).
const ORG_HEADS: &str = "\
union, house, organization, organisation, organizations, organisations, council, bank, institute,\
institution, institutions, university, club, foundation, ministry, forum, company, companies,\
corporation, corp, inc, ltd, llc, plc, gmbh, ag, group, party, agency, association, commission,\
committee, fund, center, centre, observatory, endowment, school, college, academy, society, department,\
authority, commonwealth, alliance, league, coalition, assembly, parliament, congress, senate, court,\
tribunal, office, bureau, board, secretariat, service, services, times, post, journal, news, network,\
airways, airlines, railways, trust, federation, analytics, media, press, laboratory, laboratories, lab,\
labs, hospital, church, army, navy, forces, police, guard, cabinet, government, administration, duma,\
partnership, holdings, industries, enterprises, systems, technologies, motors, consortium, cooperative,\
co-operative, directorate, inspectorate, commissariat, chamber, bloc, movement, front, brigade,\
battalion, regiment, division, corps, command, institutes, universities, councils, banks, funds,\
museum, library, gallery, archive, archives, review, magazine, gazette, herald, tribune, telegraph,\
guardian, economist, broadcasting, television, radio, studios, pictures, records, publishing,\
publishers, press, capital, partners, associates, ventures, investments, securities, exchange,\
port authority, maritime, shipping, logistics, energy, oil, gas, petroleum, mining, metals, steel,\
pharma, pharmaceuticals, telecom, telecommunications, electric, power, utilities, insurance,\
consulting, solutions, software, storage, batteries, chemicals, foods, aerospace, engineering,\
construction, manufacturing, semiconductors, robotics, automotive, biotech, textiles
";

/// Head nouns that make a name an initiative, event, agreement or route (`Initiative`, `Treaty`, `Summit`).
const OTHER_HEADS: &str = "\
initiative, corridor, route, treaty, accords, accord, agreement, pact, summit, war, conference,\
strategy, operation, project, programme, program, plan, express, act, doctrine, declaration,\
convention, charter, games, cup, festival, olympics, day, revolution, crisis, expo, exhibition, award,\
prize, protocol, format, process, dialogue, dialog, week, campaign, mission, pipeline, railway,\
railroad, highway, canal, bridge, dam, law, bill, directive, regulation, framework, agenda, compact,\
gateway, road, belt, framework, report, index, survey, census, deal, ceasefire, truce, uprising,\
massacre, battle, siege, invasion, pandemic, epidemic, election, elections, referendum, olympiad,\
championship, series, tournament, marathon, trophy, medal, memorial, monument, station, airport,\
terminal, line, mechanism, scheme, facility, package, reform, reforms, policy, vision
";

/// Head nouns that make a name a place (`Region`, `Sea`, `River`); `Republic`, `Federation` and `Kingdom`
/// make a place only after a demonym or a country (`Kyrgyz Republic`).
const PLACE_HEADS: &str = "\
region, province, oblast, krai, city, county, district, island, islands, sea, ocean, river, mountains,\
mount, valley, peninsula, gulf, strait, straits, lake, desert, steppe, steppes, basin, territory,\
territories, coast, bay, delta, plateau, highlands, lowlands, plain, plains, forest, canyon, glacier,\
fjord, estuary, archipelago, cape, harbour, harbor, square, street, avenue, boulevard, municipality,\
prefecture, governorate, canton, emirate, oasis, hills, heights, falls, springs, creek, watershed,\
catchment, reservoir, fjords, sound, channel, firth, loch, moor, park, village, town, borough
";

/// Place heads that need a demonym or a country before them to make a place.
const STATE_HEADS: &str = "\
republic, federation, kingdom, emirates, empire, state, states
";

/// Words that may join the parts of one name (`Bank of England`, `Belt and Road`, `Charles de Gaulle`).
const CONNECTORS: &str = "\
of, for, and, &, the, on, in, de, du, des, da, di, del, della, der, den, van, von, la, le, al, el, bin,\
ibn, y, e, zu, dos, das
";

/// Month and weekday names, which are capitalised but are not entities.
const CALENDAR: &str = "\
january, february, march, april, may, june, july, august, september, october, november, december, jan,\
feb, mar, apr, jun, jul, aug, sep, sept, oct, nov, dec, monday, tuesday, wednesday, thursday, friday,\
saturday, sunday, mon, tue, tues, wed, thu, thur, thurs, fri, sat, sun, spring, summer, autumn, winter
";

/// Upper-case abbreviations that are common nouns, units or codes, not names of entities.
const COMMON_ACRONYMS: &str = "\
gdp, gnp, gni, tv, ceo, cfo, coo, cto, phd, ma, ba, bsc, msc, mba, ai, it, pr, hr, vat, pdf, faq, ok,\
am, pm, usd, eur, rub, gbp, jpy, cny, id, dna, rna, co2, lng, lpg, gmt, utc, ipo, esg, sme, smes, ngo,\
ngos, fdi, r&d, ict, api, url, www, html, http, https, faqs, kpi, roi, q1, q2, q3, q4, h1, h2, km, kg,\
mw, gw, kwh, twh, bcm, mt, bn, mn, en, ru, de, fr, es, ps, nb, ie, eg, etc, vs, aka, asap, diy, fyi,\
tbd, n/a, ad, bc, bce, ce, ii, iii, iv, vi, vii, viii, ix, xi, xii, i, v, x, ceos, pc, ip, gps, sms,\
cv, hq, ltd, llc, plc, inc, corp, covid
";

/// Prefixes that, written with a hyphen before a lower-case word (`Co-operation`, `Euro-optimist`), make a
/// compound word rather than a name followed by a word.
const HYPHEN_PREFIXES: &str = "\
co, ex, post, pre, anti, non, pro, neo, multi, trans, inter, pan, mid, self, semi, sub, super, ultra,\
vice, euro, afro, anglo, franco, sino, indo, russo, cross, counter, socio, geo, bi, tri, re, de, un,\
over, under, well, long, short, high, low, all, full, half, far, near, old, new, so, pseudo, quasi
";

/// Function words and the common words that begin English sentences. A capitalised word from this list at
/// the start of a sentence is not a name.
const COMMON_WORDS: &str = "\
a an the this that these those there here it its it's they them their theirs we us our ours you your yours
he him his she her hers i me my mine one ones some any all both each every either neither no none not nor
and or but yet so for of in on at to by from with without within into onto over under above below after
before since until till while whilst when whenever where wherever why how what which who whom whose whether
if unless although though even because as than then thus hence therefore however moreover furthermore
nevertheless nonetheless meanwhile otherwise instead indeed also besides still already again once twice
just only even ever never always often sometimes usually perhaps maybe rather quite very too much many more
most less least few fewer several other others another such same own about against among amongst around
across along alongside behind beside beyond between beneath despite during except inside outside near
through throughout toward towards upon via per amid amidst according regarding concerning following given
including considering excluding unlike like plus minus today tomorrow yesterday now later earlier recently
currently previously finally firstly secondly thirdly lastly first second third fourth fifth sixth seventh
eighth ninth tenth last next new old early late long short big small large great good bad best worst better
worse high low major minor main key important significant certain clear true false real whole full half
ultimately additionally similarly likewise consequently accordingly specifically notably importantly
interestingly surprisingly unfortunately fortunately clearly obviously apparently evidently certainly surely
undoubtedly arguably admittedly generally overall altogether initially originally eventually subsequently
increasingly traditionally historically politically economically officially formally practically
essentially basically simply merely mainly mostly largely partly primarily particularly especially together
alone elsewhere everywhere somewhere nowhere anywhere anyway anyhow somehow nevertheless hereby thereby
whereas whereby wherein summing speaking looking turning taking going coming making having being doing
getting seeing saying given based compared related added noted asked told said says say see look note
consider imagine suppose let let's please thank thanks yes no ok okay well oh hi hello dear welcome
is are was were be been am do does did done has have had will would shall should can could may might must
ought need dare used get got make made take took go went come came give gave know knew think thought want
why whatever whoever whichever whenever however nonetheless regardless irrespective notwithstanding
experts analysts officials authorities critics observers scholars researchers leaders governments states
countries nations people citizens residents workers companies businesses investors markets prices trade
energy security economy politics policy policies data figures reports studies surveys polls sources
recommendations conclusion conclusions introduction summary background overview abstract contents chapter
section part table figure appendix notes note references bibliography acknowledgements methods method
results discussion analysis commentary opinion editorial interview review news update updates analysis
world region regions country national international global local regional domestic foreign public private
military political economic social cultural financial strategic diplomatic official federal central
tags tag topic topics category categories share read more print email comments comment subscribe
image images photo photos video videos source sources credit credits caption map maps chart charts
multipolarity cooperation integration competition relations relationship relationships influence power
development growth investment investments sanctions agreement agreements membership migration migrants
cultural embracing reflected pointing recognising recognizing welcoming bringing building creating
managed adaptation businesses support rate rating count continue home login search menu contact about
day days week weeks month months year years decade decades century centuries time times period periods
morning evening night noon midnight hour hours minute minutes
";

/// What the lexicon knows about one lower-case word or phrase: a set of the bits below.
pub type Flags = u32;

/// The lexicons, as bits of [`Flags`].
pub mod flag {
    use super::Flags;

    /// A country, capital, territory, continent or region (not an abbreviation).
    pub const PLACE: Flags = 1 << 0;
    /// A country abbreviation (`us`, `u.k.`).
    pub const ABBREVIATION: Flags = 1 << 1;
    /// A proper prefix of a place or an abbreviation that ends before a space or a dash (`united`).
    pub const PLACE_PREFIX: Flags = 1 << 2;
    /// A directional word (`central`, `eastern`).
    pub const DIRECTION: Flags = 1 << 3;
    /// A demonym or an adjective of region.
    pub const DEMONYM: Flags = 1 << 4;
    pub const TITLE: Flags = 1 << 5;
    pub const TITLE_MODIFIER: Flags = 1 << 6;
    pub const TITLE_ABBREVIATION: Flags = 1 << 7;
    pub const NAME_ABBREVIATION: Flags = 1 << 8;
    pub const ROLE: Flags = 1 << 9;
    pub const SPEECH_VERB: Flags = 1 << 10;
    pub const ORG_HEAD: Flags = 1 << 11;
    pub const OTHER_HEAD: Flags = 1 << 12;
    pub const PLACE_HEAD: Flags = 1 << 13;
    pub const STATE_HEAD: Flags = 1 << 14;
    pub const CONNECTOR: Flags = 1 << 15;
    pub const CALENDAR: Flags = 1 << 16;
    pub const COMMON_ACRONYM: Flags = 1 << 17;
    pub const HYPHEN_PREFIX: Flags = 1 << 18;
    pub const COMMON_WORD: Flags = 1 << 19;
    /// The first word (up to a space or a dash) of a place, an abbreviation or a directional word: no phrase
    /// whose first word is not one of these is a place.
    pub const PLACE_FIRST: Flags = 1 << 20;
    /// Any head noun.
    pub const HEAD: Flags = ORG_HEAD | OTHER_HEAD | PLACE_HEAD | STATE_HEAD;
    /// A place or an abbreviation of one: for a single word (no space), what [`super::is_place`] says.
    pub const PLACE_OR_ABBREVIATION: Flags = PLACE | ABBREVIATION;
    /// The bits from this one up are never set by [`super::flags`]; callers may use them.
    pub const FREE: Flags = 1 << 21;
}

struct Tables {
    /// Every word and phrase of every lexicon, with the lexicons it is in: one lookup answers them all.
    flags: FlagTable,
    abbreviations: HashMap<&'static str, &'static str>,
    max_place_words: usize,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn build() -> Tables {
    let mut places = HashSet::default();
    let mut demonyms = HashSet::default();
    for line in COUNTRIES.lines() {
        let mut fields = line.split('|');
        let names = fields.next().unwrap_or("");
        let dems = fields.next().unwrap_or("");
        let capitals = fields.next().unwrap_or("");
        for name in names.split('/').chain(capitals.split('/')) {
            let key = key_of(name);
            if !key.is_empty() {
                places.insert(key);
            }
        }
        for dem in dems.split(',') {
            let key = key_of(dem);
            if !key.is_empty() {
                demonyms.insert(key);
            }
        }
    }
    for region in REGIONS.split(',') {
        places.insert(key_of(region));
    }
    for adjective in REGION_ADJECTIVES.split(',') {
        demonyms.insert(key_of(adjective));
    }
    places.remove("");
    demonyms.remove("");
    let max_place_words = places.iter().map(|p| p.split(' ').count()).max().unwrap_or(1);
    let mut flags: HashMap<String, Flags> = HashMap::default();
    let mut add = |word: &str, bit: Flags| *flags.entry(word.to_string()).or_default() |= bit;
    let first_word = |key: &str| key.split([' ', '-']).next().unwrap_or("").to_string();
    for key in &places {
        add(key, flag::PLACE);
    }
    for &(key, _) in COUNTRY_ABBREVIATIONS {
        add(key, flag::ABBREVIATION);
    }
    for key in places.iter().map(String::as_str).chain(COUNTRY_ABBREVIATIONS.iter().map(|(k, _)| *k)) {
        for (i, b) in key.bytes().enumerate() {
            if b == b' ' || b == b'-' {
                add(&key[..i], flag::PLACE_PREFIX);
            }
        }
        add(&first_word(key), flag::PLACE_FIRST);
    }
    for key in &demonyms {
        add(key, flag::DEMONYM);
    }
    let set = |words: &'static str| words.split(',').map(str::trim).filter(|w| !w.is_empty());
    for word in set(DIRECTIONS) {
        add(word, flag::DIRECTION);
        add(&first_word(word), flag::PLACE_FIRST);
    }
    for (list, bit) in [
        (TITLES, flag::TITLE),
        (TITLE_MODIFIERS, flag::TITLE_MODIFIER),
        (TITLE_ABBREVIATIONS, flag::TITLE_ABBREVIATION),
        (NAME_ABBREVIATIONS, flag::NAME_ABBREVIATION),
        (ROLE_WORDS, flag::ROLE),
        (SPEECH_VERBS, flag::SPEECH_VERB),
        (ORG_HEADS, flag::ORG_HEAD),
        (OTHER_HEADS, flag::OTHER_HEAD),
        (PLACE_HEADS, flag::PLACE_HEAD),
        (STATE_HEADS, flag::STATE_HEAD),
        (CONNECTORS, flag::CONNECTOR),
        (CALENDAR, flag::CALENDAR),
        (COMMON_ACRONYMS, flag::COMMON_ACRONYM),
        (HYPHEN_PREFIXES, flag::HYPHEN_PREFIX),
    ] {
        for word in set(list) {
            add(word, bit);
        }
    }
    for word in COMMON_WORDS.split_whitespace() {
        add(word, flag::COMMON_WORD);
    }
    Tables {
        flags: FlagTable::new(flags),
        abbreviations: COUNTRY_ABBREVIATIONS.iter().copied().collect(),
        max_place_words,
    }
}

/// A set of words with their [`Flags`], for lookups of short words many times a sentence: an open-addressing
/// table whose slots hold a word's first and last eight bytes and its length, which together are the whole
/// word up to 16 bytes, so that most lookups compare two integers rather than two strings.
struct FlagTable {
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: the hash's top bits index the table.
    shift: u32,
    /// The words longer than 16 bytes, which the slots cannot hold whole.
    long: Vec<String>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    head: u64,
    tail: u64,
    /// The word's length in bytes; 0 for an empty slot (no word of a lexicon is empty).
    len: u32,
    flags: Flags,
    /// For a word longer than 16 bytes, its index in `long`.
    long: u32,
}

impl FlagTable {
    fn new(words: HashMap<String, Flags>) -> FlagTable {
        let mut words: Vec<(String, Flags)> = words.into_iter().filter(|(w, _)| !w.is_empty()).collect();
        words.sort();
        // A quarter full at most, so that a probe seldom goes past one slot.
        let size = (words.len() * 4).next_power_of_two().max(64);
        let mut table =
            FlagTable { slots: vec![Slot::default(); size], shift: 64 - size.trailing_zeros(), long: Vec::new() };
        for (word, flags) in words {
            let (head, tail) = parts(word.as_bytes());
            let mut i = table.index(head, tail, word.len());
            while table.slots[i].len != 0 {
                i = (i + 1) & (size - 1);
            }
            let long = if word.len() > 16 {
                table.long.push(word.clone());
                table.long.len() as u32 - 1
            } else {
                0
            };
            table.slots[i] = Slot { head, tail, len: word.len() as u32, flags, long };
        }
        table
    }

    #[inline]
    fn index(&self, head: u64, tail: u64, len: usize) -> usize {
        let h = (head ^ tail.rotate_left(29) ^ (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .wrapping_mul(0x517c_c1b7_2722_0a95);
        (h >> self.shift) as usize
    }

    #[inline]
    fn get(&self, bytes: &[u8]) -> Flags {
        if bytes.is_empty() {
            return 0;
        }
        let (head, tail) = parts(bytes);
        let mask = self.slots.len() - 1;
        let mut i = self.index(head, tail, bytes.len());
        loop {
            let slot = &self.slots[i];
            if slot.len == 0 {
                return 0;
            }
            if slot.len as usize == bytes.len()
                && slot.head == head
                && slot.tail == tail
                && (bytes.len() <= 16 || self.long.get(slot.long as usize).is_some_and(|w| w.as_bytes() == bytes))
            {
                return slot.flags;
            }
            i = (i + 1) & mask;
        }
    }
}

/// A word's first eight bytes (padded with zeros) and its last eight (0 for a word of at most eight).
/// Fixed-size reads only: a copy of a variable length would call `memcpy`, which costs more than the
/// whole lookup of a short word. A short word is read as two overlapping halves, whose common bytes
/// are equal, so that or-ing them gives the word.
#[inline]
fn parts(bytes: &[u8]) -> (u64, u64) {
    let n = bytes.len();
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return (u64::from_le_bytes(*head), u64::from_le_bytes(*tail));
    }
    let head = if let (Some(lo), Some(hi)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        u32::from_le_bytes(*lo) as u64 | (u32::from_le_bytes(*hi) as u64) << (8 * (n - 4))
    } else if let (Some(lo), Some(hi)) = (bytes.first_chunk::<2>(), bytes.last_chunk::<2>()) {
        u16::from_le_bytes(*lo) as u64 | (u16::from_le_bytes(*hi) as u64) << (8 * (n - 2))
    } else {
        bytes.first().map_or(0, |&b| b as u64)
    };
    (head, 0)
}

/// The lookup key of a lexicon entry: lower case, dashes as `-`, curly apostrophes straight, one space
/// between words.
fn key_of(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => out.push('-'),
                '\u{2019}' | '\u{2018}' => out.push('\''),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// The lexicons the lower-case word or phrase is in (see [`flag`]): one hash lookup.
#[inline]
pub fn flags(word: &str) -> Flags {
    tables().flags.get(word.as_bytes())
}

/// [`flags`] of a word given as bytes (which need no check of character boundaries to cut).
#[inline]
pub fn flags_of_bytes(word: &[u8]) -> Flags {
    tables().flags.get(word)
}

fn has(word: &str, bits: Flags) -> bool {
    flags(word) & bits != 0
}

/// Whether the lower-case phrase names a country, capital, territory, continent or large region.
pub fn is_place(key: &str) -> bool {
    has(key, flag::PLACE_OR_ABBREVIATION) || directional_place(key)
}

/// `central asia`, `eastern ukraine`: one or two directional words before a place.
fn directional_place(key: &str) -> bool {
    let mut rest = key;
    for _ in 0..2 {
        match split_at_space(rest) {
            Some((first, tail)) if has(first, flag::DIRECTION) => {
                if has(tail, flag::PLACE) {
                    return true;
                }
                rest = tail;
            }
            _ => return false,
        }
    }
    false
}

/// `phrase.split_once(' ')`, by a byte search: the general one costs more than these short phrases.
fn split_at_space(phrase: &str) -> Option<(&str, &str)> {
    let at = phrase.bytes().position(|b| b == b' ')?;
    Some((&phrase[..at], &phrase[at + 1..]))
}

/// Whether some longer phrase that starts with the lower-case `phrase` (and goes on after a space or a
/// dash) may be a place: `false` means that no such phrase is one, so a scan can stop. It may say `true`
/// where none is.
pub fn place_may_continue(phrase: &str) -> bool {
    let mut rest = phrase;
    // Up to two directional words may come before a place (see `directional_place`).
    for _ in 0..3 {
        if has(rest, flag::PLACE_PREFIX | flag::DIRECTION) {
            return true;
        }
        match split_at_space(rest) {
            Some((first, tail)) if has(first, flag::DIRECTION) => rest = tail,
            _ => return false,
        }
    }
    false
}

/// The full name a country abbreviation stands for (`us` gives `united states`).
pub fn country_abbreviation(key: &str) -> Option<&'static str> {
    tables().abbreviations.get(key).copied()
}

/// The largest number of words in a multi-word place name of the lexicon.
pub fn max_place_words() -> usize {
    tables().max_place_words
}

/// Whether the lower-case word is a demonym or an adjective of region (`russian`, `central`, `soviet`).
pub fn is_adjective_of_place(word: &str) -> bool {
    has(word, flag::DEMONYM)
}

pub fn is_title(word: &str) -> bool {
    has(word, flag::TITLE)
}

pub fn is_title_modifier(word: &str) -> bool {
    has(word, flag::TITLE_MODIFIER)
}

pub fn is_connector(word: &str) -> bool {
    has(word, flag::CONNECTOR)
}

pub fn is_calendar(word: &str) -> bool {
    has(word, flag::CALENDAR)
}

pub fn is_common_acronym(word: &str) -> bool {
    has(word, flag::COMMON_ACRONYM)
}

/// Whether the lower-case word is a prefix that forms compounds with a hyphen (`co`, `euro`).
pub fn is_hyphen_prefix(word: &str) -> bool {
    has(word, flag::HYPHEN_PREFIX)
}

/// Whether the lower-case word is a function word or a common word that starts sentences.
pub fn is_common_word(word: &str) -> bool {
    has(word, flag::COMMON_WORD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_table() {
        // (name, lookup, expected)
        type Lookup = fn(&str) -> bool;
        let cases: &[(&str, Lookup, &str, bool)] = &[
            ("country", is_place, "france", true),
            ("multiword_country", is_place, "trinidad and tobago", true),
            ("capital", is_place, "ottawa", true),
            ("directional_region", is_place, "eastern europe", true),
            ("two_directions", is_place, "south central asia", true),
            ("abbreviation", is_place, "uk", true),
            ("not_a_place", is_place, "gazprom", false),
            ("demonym", is_adjective_of_place, "brazilian", true),
            ("region_adjective", is_adjective_of_place, "soviet", true),
            ("title", is_title, "professor", true),
            ("org_head", |w| flags(w) & flag::ORG_HEAD != 0, "organisation", true),
            ("calendar", is_calendar, "september", true),
            ("common_word", is_common_word, "however", true),
            ("name_not_common", is_common_word, "halvorsen", false),
        ];
        for &(name, f, word, want) in cases {
            assert_eq!(f(word), want, "{name}");
        }
    }

    #[test]
    fn parts_of_short_and_long_words() {
        // Every length up to 17: the head is the first eight bytes padded with zeros, the tail the last
        // eight of a word of eight or more.
        let word = b"abcdefghijklmnopq";
        for n in 0..=word.len() {
            let bytes = &word[..n];
            let mut head = [0u8; 8];
            head[..n.min(8)].copy_from_slice(&bytes[..n.min(8)]);
            let tail = if n >= 8 { u64::from_le_bytes(bytes[n - 8..].try_into().unwrap()) } else { 0 };
            assert_eq!(parts(bytes), (u64::from_le_bytes(head), tail), "{n}");
        }
    }

    #[test]
    fn flag_table_finds_exactly_its_words() {
        let mut words: HashMap<String, Flags> = HashMap::default();
        let list = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq", "vice president"];
        for (i, w) in list.iter().enumerate() {
            words.insert(w.to_string(), 1 << i);
        }
        let table = FlagTable::new(words);
        for (i, w) in list.iter().enumerate() {
            assert_eq!(table.get(w.as_bytes()), 1 << i, "{w}");
        }
        for w in ["", "b", "a\0", "abcdefg", "abcdefgH", "abcdefghijklmnoq", "abcdefghijklmnopr", "abcdefghijklmnopqr"]
        {
            assert_eq!(table.get(w.as_bytes()), 0, "{w:?}");
        }
    }
}
