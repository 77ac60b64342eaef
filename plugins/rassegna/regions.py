"""The editorial decisions about countries and regions that the data leaves open,
in one place: codes beyond ISO 3166-1, Italian names of regions the iso-codes
translations lack, and the disputed or historical regions news names often with
the country their articles are filed under."""

# Codes newsrooms use for countries that ISO 3166-1 has not assigned. Their names
# come from CLDR, which knows them ("Kosovo").
EXTRA_COUNTRY_CODES = ("XK",)

# Names Italian news uses for a country that neither CLDR nor the iso-codes
# translations give.
COUNTRY_NAMES = {
    "Olanda": "NL",
    "Gran Bretagna": "GB",
    "UK": "GB",
    "Federazione Russa": "RU",
    "Vaticano": "VA",
    "Emirati": "AE",
    "Macedonia": "MK",
}

# ISO 3166-2 first-level subdivision → the names news uses for it where the
# iso-codes Italian translation lacks them (or gets them wrong: it calls CN-XZ
# "Xinjiang"). The first name is the one shown.
SUBDIVISION_NAMES = {
    "GB-ENG": ("Inghilterra", "England"),
    "GB-SCT": ("Scozia", "Scotland"),
    "GB-WLS": ("Galles", "Wales"),
    "GB-NIR": ("Irlanda del Nord", "Northern Ireland"),
    "ES-CT": ("Catalogna", "Catalonia", "Catalunya"),
    "ES-PV": ("Paesi Baschi", "Basque Country", "País Vasco", "Euskadi"),
    "ES-GA": ("Galizia", "Galicia"),
    "ES-IB": ("Baleari", "Isole Baleari", "Balearic Islands"),
    "ES-VC": ("Comunità Valenciana", "Valencian Community"),
    "ES-NC": ("Navarra",),
    "DE-SN": ("Sassonia", "Saxony", "Sachsen"),
    "DE-ST": ("Sassonia-Anhalt", "Saxony-Anhalt"),
    "AT-2": ("Carinzia", "Carinthia", "Kärnten"),
    "BE-WAL": ("Vallonia", "Wallonia"),
    "UA-43": ("Crimea",),
    "UA-14": ("Oblast di Donetsk",),
    "UA-09": ("Oblast di Luhansk",),
    "MD-SN": ("Transnistria", "Pridnestrovie", "Transdniestria"),
    "GE-AB": ("Abcasia", "Abkhazia"),
    "RU-CE": ("Cecenia", "Chechnya"),
    "CN-XZ": ("Tibet", "Xizang"),
    "CN-XJ": ("Xinjiang",),
}

# Regions news names often that are no ISO 3166-2 subdivision: shown name →
# (the country their articles are filed under, or None for none, other names).
# These names win over a city's ("Gaza" is the Strip). Kashmir is divided between
# India and Pakistan and is filed under neither.
DISPUTED_REGIONS = {
    "Nagorno-Karabakh": ("AZ", ("Nagorno Karabakh", "Karabakh", "Artsakh")),
    "Donbass": ("UA", ("Donbas",)),
    "Striscia di Gaza": ("PS", ("Gaza", "Gaza Strip")),
    "Cisgiordania": ("PS", ("West Bank",)),
    "Ossezia del Sud": ("GE", ("South Ossetia",)),
    "Cipro del Nord": ("CY", ("Northern Cyprus",)),
    "Alture del Golan": ("SY", ("Golan", "Golan Heights")),
    "Kurdistan iracheno": ("IQ", ("Iraqi Kurdistan",)),
    "Somaliland": ("SO", ()),
    "Darfur": ("SD", ()),
    "Kashmir": (None, ("Kashmir", "Cashmir")),
}

# Names of subdivisions that are generic words (Haiti's and Cameroon's "Nord",
# "Sud"…): in an Italian text they mean a direction or Italy's own south, never a
# region abroad.
GENERIC_REGION_WORDS = frozenset(
    """nord sud est ovest centro centre center central north south east west
    northern southern eastern western capital littoral""".split()
)
