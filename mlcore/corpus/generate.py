"""Write the categorizer's seed corpus: realistic bank descriptors for every standard category.

    .venv/bin/python -m mlcore.corpus.generate [--per-category 400] [--seed 4] [--out mlcore/corpus/seed_corpus.csv]

Deterministic (one ``random.Random(seed)``): the same arguments always write the same file. Each row is
``description, amount, account_kind, category_key, merchant``. A merchant is either a known brand (US and
European) or a name built from a category word in several languages ("Apotheke am Markt", "Blue Door Cafe")
so that the model learns the words and character shapes that carry a category, not only brand names.
Descriptors are dressed the way banks print them: processor prefixes (POS PURCHASE, SQ *, PAYPAL *, SUMUP *,
IZ *, AMZN Mktp, SEPA-LASTSCHRIFT, KARTENZAHLUNG...), store numbers, cities, dates and times, card digits and
truncation at 22/25/32 characters; amounts carry realistic signs and sizes per category.

To grow the corpus, add merchants or name templates to ``CATEGORIES`` below. ``merchant_is_held_out``
decides, from the merchant NAME alone, which merchants form the evaluation set that training never sees.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "seed_corpus.csv"
COLUMNS = ["description", "amount", "account_kind", "category_key", "merchant"]
HELD_OUT_SHARE = 5  # one merchant name in five is held out for evaluation


def merchant_is_held_out(merchant: str) -> bool:
    """Stable across runs and machines: a hash of the normalised merchant name, not of row order."""
    digest = hashlib.sha256(merchant.strip().lower().encode()).digest()
    return digest[0] % HELD_OUT_SHARE == 0


US_CITIES = [("NEW YORK", "NY"), ("SAN FRANCISCO", "CA"), ("OAKLAND", "CA"), ("CHICAGO", "IL"), ("AUSTIN", "TX"),
             ("SEATTLE", "WA"), ("BOSTON", "MA"), ("DENVER", "CO"), ("MIAMI", "FL"), ("PORTLAND", "OR"),
             ("ATLANTA", "GA"), ("PHOENIX", "AZ"), ("BROOKLYN", "NY"), ("LOS ANGELES", "CA"), ("DALLAS", "TX")]
EU_CITIES = [("BERLIN", "DE"), ("MUENCHEN", "DE"), ("HAMBURG", "DE"), ("KOELN", "DE"), ("FRANKFURT", "DE"),
             ("AMSTERDAM", "NL"), ("UTRECHT", "NL"), ("ROTTERDAM", "NL"), ("PARIS", "FR"), ("LYON", "FR"),
             ("LONDON", "GB"), ("MANCHESTER", "GB"), ("LEEDS", "GB"), ("ZUERICH", "CH"), ("BASEL", "CH"),
             ("WIEN", "AT"), ("MADRID", "ES"), ("BARCELONA", "ES"), ("MILANO", "IT"), ("DUBLIN", "IE"),
             ("BRUXELLES", "BE"), ("LISBOA", "PT")]
SURNAMES = ["Miller", "Garcia", "Johnson", "Nguyen", "Patel", "Schmidt", "Mueller", "Weber", "Jansen", "de Vries",
            "Bakker", "Dubois", "Martin", "Rossi", "Bianchi", "Kowalski", "Novak", "Murphy", "O'Brien", "Evans",
            "Hughes", "Lopez", "Fernandez", "Silva", "Costa", "Becker", "Hoffmann", "Fischer", "Wagner", "Smit",
            "Visser", "Laurent", "Moreau", "Ricci", "Horvath", "Larsen", "Berg", "Lindqvist", "Kim", "Chen",
            "Tanaka", "Khan", "Ahmed", "Cohen", "Walsh", "Reid", "Hart", "Ford", "Stone", "Price"]
PLACES = ["Main Street", "Market", "Bahnhof", "Marktplatz", "Central", "Riverside", "Oak Park", "Westend",
          "Old Town", "Harbour", "Kings Road", "Elm", "Park", "Linden", "Rosen", "Canal", "Hill", "Lake",
          "Station", "Dom", "Union Square", "Broadway", "Hauptstrasse", "Rathaus", "Stadtmitte", "North",
          "South", "East", "Bridge", "Castle", "Meadow", "Spring", "Valley", "Corner", "Village", "Plaza"]
ADJECTIVES = ["Blue", "Golden", "Green", "Red", "Little", "Happy", "Urban", "Royal", "Sunny", "Silver", "Wild",
              "Daily", "Good", "Fresh", "Lucky", "Bright", "Corner", "Black", "White", "Old", "New", "Grand",
              "Copper", "Maple", "Cedar", "Olive", "Amber", "Iron", "Velvet", "Rustic"]
NOUNS = ["Door", "Fox", "Bean", "Leaf", "Star", "Bear", "Lion", "Moon", "Owl", "Anchor", "Crown", "Feather",
         "Harbor", "Bell", "Oak", "Stone", "River", "Garden", "Lantern", "Sparrow", "Tiger", "Wolf", "Rabbit"]


@dataclass
class Spec:
    """How one standard category shows up on statements."""

    brands: list[str]
    templates: list[str] = field(default_factory=list)  # "{S}" surname, "{P}" place, "{A} {N}" adjective noun
    amount: tuple[float, float] = (5, 80)
    sign: int = -1  # -1 money out, +1 money in, 0 either
    accounts: tuple[str, ...] = ("checking", "credit_card")
    prefixes: str = "card"  # card | small | debit | transfer | income | online | none


CATEGORIES: dict[str, Spec] = {
    "food_drink.groceries": Spec(
        ["Safeway", "Kroger", "Whole Foods Market", "Trader Joe's", "Walmart Grocery", "Publix", "Wegmans",
         "Aldi", "Lidl", "Rewe", "Edeka", "Netto Marken-Discount", "Penny Markt", "Kaufland", "Carrefour Market",
         "Albert Heijn", "Jumbo Supermarkt", "Tesco Stores", "Sainsbury's", "Asda Superstore", "Morrisons",
         "Waitrose", "Migros", "Coop", "Spar", "Billa", "Mercadona", "Esselunga", "Monoprix", "Intermarche",
         "Leclerc", "Dirk van den Broek", "Plus Supermarkt", "Food Lion", "H-E-B", "Stop & Shop", "Sprouts",
         "Hofer", "Denner", "Delhaize", "Co-op Food", "Iceland Foods", "Meijer", "Giant Eagle", "Vons"],
        ["{S}'s Grocery", "{P} Supermarket", "{P} Market", "Supermarkt {S}", "{A} Grocer", "Epicerie {S}",
         "{P} Food Market", "{S} Fresh Foods", "Biomarkt {P}", "{A} Organic Market", "Minimarket {S}",
         "{S} Lebensmittel", "{P} Grocery Outlet", "{A} {N} Foods", "Supermercado {S}", "{S} Supermarché"],
        (8, 180)),
    "food_drink.restaurants": Spec(
        ["Olive Garden", "Cheesecake Factory", "Applebee's", "Chili's", "Nando's", "Vapiano", "L'Osteria",
         "Wagamama", "Pizza Express", "Zizzi", "Block House", "Hans im Glueck", "Red Lobster", "Texas Roadhouse",
         "Outback Steakhouse", "Dishoom", "Ask Italian", "Hippopotamus", "Le Pain Quotidien", "Cafe Rouge"],
        ["Trattoria {S}", "Ristorante {P}", "{S}'s Bistro", "{P} Grill", "Restaurant {S}", "{A} {N} Kitchen",
         "{S} Steakhouse", "Brasserie {P}", "{A} Dragon Chinese Restaurant", "Sushi {S}", "Taverna {S}",
         "{P} Diner", "Pizzeria {S}", "{A} {N} Eatery", "Gasthaus {P}", "{S} Thai Restaurant", "Osteria {S}",
         "{A} Curry House", "Wirtshaus {S}", "{P} Tapas Bar Restaurant"],
        (15, 140), prefixes="small"),
    "food_drink.coffee_shops": Spec(
        ["Starbucks", "Dunkin", "Peet's Coffee", "Blue Bottle Coffee", "Costa Coffee", "Caffe Nero", "Pret A Manger",
         "Tim Hortons", "Tchibo", "Balzac Coffee", "Coffee Fellows", "Espresso House", "Joe & The Juice",
         "Philz Coffee", "Intelligentsia", "Einstein Kaffee", "Bagels & Beans", "Black Sheep Coffee"],
        ["{A} {N} Coffee", "Cafe {S}", "{P} Coffee House", "{A} Bean Cafe", "Kaffeehaus {P}", "{S} Espresso Bar",
         "Koffiehuis {S}", "{A} {N} Cafe", "{P} Roasters", "Caffe {S}", "{S} Coffee Roasting Co", "Konditorei {S}",
         "{P} Coffee Bar", "Cafe am {P}", "{A} Cup Coffee"],
        (2.5, 14), prefixes="small"),
    "food_drink.fast_food": Spec(
        ["McDonald's", "Burger King", "KFC", "Subway", "Taco Bell", "Wendy's", "Chipotle", "Five Guys",
         "Domino's Pizza", "Pizza Hut", "Popeyes", "Chick-fil-A", "Shake Shack", "Jack in the Box", "Panda Express",
         "Greggs", "Nordsee", "Kochloeffel", "FEBO", "Quick", "Papa John's", "Leon", "Sonic Drive-In"],
        ["{S}'s Burgers", "{P} Doner Kebab", "{A} {N} Burger", "{P} Fried Chicken", "Imbiss {S}", "{S} Pizza Express",
         "{P} Kebab House", "Snackbar {S}", "{A} Taco Shop", "{P} Fish & Chips", "Doener {P}", "{S} Wings",
         "{A} Burrito", "Frituur {S}", "{P} Takeaway"],
        (4, 25), prefixes="small"),
    "food_drink.bars": Spec(
        ["Wetherspoon", "All Bar One", "Brewdog", "Hofbraeuhaus", "Augustiner Keller", "Irish Pub O'Reilly's",
         "Cafe Extrablatt", "The Alchemist", "Fuller's", "Yard House", "Buffalo Wild Wings", "Proeflokaal Arendsnest"],
        ["The {A} {N} Pub", "{S}'s Tavern", "{P} Brewery Taproom", "Bar {S}", "{A} Lion Inn", "{P} Cocktail Bar",
         "Kneipe {S}", "{S}'s Irish Pub", "{P} Wine Bar", "Brauhaus {P}", "Biergarten {P}", "{A} {N} Lounge",
         "Cafe-Bar {S}", "{P} Taproom", "Weinstube {S}"],
        (6, 90), prefixes="small"),
    "transportation.gas_fuel": Spec(
        ["Shell", "BP", "Exxon", "ExxonMobil", "Chevron", "Texaco", "Aral", "Esso", "Total Energies", "Jet Tankstelle",
         "Agip", "Q8", "OMV", "Avia", "Tinq", "Circle K", "Sunoco", "Marathon Petro", "Valero", "Speedway",
         "Star Tankstelle", "Tamoil", "Repsol", "Cepsa", "Texaco Service Station", "76 Station", "Wawa Fuel"],
        ["{P} Tankstelle", "{S} Gas Station", "{P} Fuel Stop", "Station-Service {S}", "{A} Petrol", "{S} Fuel",
         "Tankstelle {S}", "{P} Service Station", "{A} {N} Gas", "Tankstation {P}", "{P} Petroleum", "Benzina {S}"],
        (20, 110)),
    "transportation.rideshare": Spec(
        ["Uber Trip", "Lyft Ride", "Bolt.eu", "FreeNow", "Cabify", "Via Transportation", "Curb Taxi",
         "Addison Lee", "Gett", "Taxi.eu", "G7 Taxi", "Yellow Cab", "Uber BV Help.uber.com", "Lyft *Ride Thu"],
        ["{P} Taxi", "Taxi {S}", "{A} Cab Company", "Taxi-Zentrale {P}", "{P} Cabs", "{S} Minicabs", "Taxi {P}",
         "{A} Taxi Service", "Funktaxi {P}", "{P} Car Service", "{S} Limousine", "Taxicentrale {P}", "{P} Radio Taxi"],
        (6, 60)),
    "transportation.public_transit": Spec(
        ["MTA NYC Transit", "BART Clipper", "Transport for London", "TfL Travel Charge", "Deutsche Bahn", "DB Vertrieb",
         "BVG", "MVV", "HVV", "RMV", "NS Reizigers", "GVB Amsterdam", "RATP", "SNCF", "SBB CFF FFS", "Wiener Linien",
         "Trenitalia", "Renfe", "Metro Transit", "Caltrain", "WMATA", "MBTA", "Northern Rail", "OV-Chipkaart",
         "Flixbus", "Greyhound", "Amtrak", "Eurostar", "Ventra Chicago"],
        ["{P} Transit Authority", "{P} Metro", "Verkehrsbetriebe {P}", "{P} Bus Company", "{P} Railway",
         "{P} Tram", "Stadtwerke {P} Bus", "{P} Regional Rail", "{P} Commuter Rail", "{P} Ferry",
         "Verkehrsverbund {P}", "{P} Metro Card", "{P} Busline"],
        (1.5, 90)),
    "transportation.parking": Spec(
        ["ParkMobile", "SpotHero", "Easypark", "APCOA Parking", "Q-Park", "Contipark", "NCP Car Park", "Indigo",
         "PayByPhone", "RingGo", "Interpark", "LAZ Parking", "Parkopedia", "Yellowbrick", "Impark"],
        ["{P} Parking Garage", "Parkhaus {P}", "{P} Car Park", "Parking {S}", "{P} Parkgarage", "Tiefgarage {P}",
         "{S} Parking Lot", "{P} Parking Meter", "Parkeergarage {P}", "{P} Park & Ride", "Stationnement {P}"],
        (1, 40)),
    "transportation.car_maintenance": Spec(
        ["Jiffy Lube", "Midas", "Pep Boys", "AutoZone", "Firestone Complete Auto", "Halfords", "Kwik Fit", "ATU",
         "Pit Stop", "Euromaster", "Norauto", "Feu Vert", "Valvoline Instant Oil", "Meineke", "Advance Auto Parts",
         "O'Reilly Auto Parts", "Goodyear Auto", "Vergoelst", "Speedy", "Profile Car & Tyre"],
        ["{S} Auto Repair", "Autowerkstatt {S}", "{P} Garage", "{S} Car Service", "{P} Tire Center",
         "Kfz-Werkstatt {S}", "{A} Auto Body", "Autohaus {S}", "{P} Car Wash", "{S} Motors Service",
         "Garage {S}", "{P} Reifendienst", "{P} Muffler & Brake", "Autobedrijf {S}", "{A} {N} Auto Care"],
        (25, 900)),
    "housing.rent": Spec(
        ["Greystar", "Vonovia", "Deutsche Wohnen", "LEG Wohnen", "Equity Residential", "AvalonBay", "Vesteda",
         "Grainger", "Mitsubishi Estate", "Gewobag", "Degewo", "Heimstaden", "Akelius", "Camden Property"],
        ["Miete {P} {S}", "Rent {S} Properties", "{P} Apartments", "{S} Property Management", "{P} Lettings",
         "Hausverwaltung {S}", "Huur {S}", "Loyer {S}", "{P} Residences", "{S} Realty Rent", "Wohnungsbau {P}",
         "{A} {N} Apartments Rent"],
        (600, 2600), accounts=("checking",), prefixes="transfer"),
    "housing.mortgage": Spec(
        ["Wells Fargo Home Mortgage", "Rocket Mortgage", "Chase Mortgage", "Quicken Loans", "Nationwide Mortgage",
         "Halifax Mortgage", "Santander Mortgage", "Interhyp", "Deutsche Bank Baufinanzierung", "ING Hypotheek",
         "Rabobank Hypotheek", "Sparkasse Baufinanzierung", "Freedom Mortgage", "Mr. Cooper", "LoanDepot"],
        ["{S} Mortgage Services", "{P} Home Loans", "Hypothek {S}", "{P} Building Society Mortgage",
         "Baufinanzierung {P}", "{S} Mortgage Payment", "Hypotheek {P}", "Darlehen {S} Tilgung", "Pret Immobilier {S}",
         "{P} Savings Bank Mortgage"],
        (700, 3200), accounts=("checking",), prefixes="debit"),
    "housing.utilities": Spec(
        ["PG&E", "Con Edison", "Duke Energy", "Xcel Energy", "Vattenfall", "E.ON Energie", "EnBW", "Stadtwerke Muenchen",
         "Eneco", "Vattenfall NL", "EDF", "Engie", "British Gas", "Octopus Energy", "Thames Water", "Severn Trent",
         "Waternet", "Berliner Wasserbetriebe", "National Grid", "Georgia Power", "Seattle City Light", "Iberdrola"],
        ["Stadtwerke {P}", "{P} Water Utility", "{P} Electric Company", "{S} Energy", "{P} Gas & Electric",
         "Energieversorgung {P}", "{P} Power & Light", "{P} Water Board", "Waterbedrijf {P}", "{P} Stromversorgung",
         "{A} Energy Supply", "{P} Municipal Utilities", "Eau de {P}", "{P} Heating Network Fernwaerme"],
        (30, 260), accounts=("checking",), prefixes="debit"),
    "housing.internet_phone": Spec(
        ["Comcast Xfinity", "Verizon Wireless", "AT&T Mobility", "T-Mobile", "Spectrum", "Telekom Deutschland",
         "Vodafone", "O2 Germany", "1&1 Telecom", "KPN", "Ziggo", "Odido", "Orange", "SFR", "Bouygues Telecom",
         "BT Group", "Sky Broadband", "Virgin Media", "EE Limited", "Swisscom", "Sunrise", "Magenta Telekom",
         "Congstar", "Google Fi", "Mint Mobile", "Cox Communications", "Three UK"],
        ["{P} Broadband", "{S} Telecom", "{A} Mobile", "{P} Fiber Internet", "{A} {N} Wireless", "{P} Glasfaser",
         "{S} Communications", "{P} Internet Service", "{A} Telecom Mobilfunk", "{P} Cable & Internet",
         "{A} Phone Plan", "{P} Net Fibre"],
        (15, 130), accounts=("checking", "credit_card"), prefixes="debit"),
    "housing.home_improvement": Spec(
        ["Home Depot", "Lowe's", "Ace Hardware", "Menards", "OBI", "Bauhaus", "Hornbach", "toom Baumarkt",
         "Hagebaumarkt", "Praxis", "Gamma", "Karwei", "Leroy Merlin", "Castorama", "B&Q", "Wickes", "Screwfix",
         "Jumbo Brico", "Hornbach Baumarkt", "True Value", "Harbor Freight", "Sherwin-Williams", "Toolstation"],
        ["{S} Hardware", "{P} Baumarkt", "{P} Lumber & Supply", "{A} Paint Store", "{S} Plumbing Supplies",
         "Bouwmarkt {S}", "{P} Builders Merchant", "Eisenwaren {S}", "{P} Garden Center", "{S} Tools",
         "{A} {N} Hardware", "Quincaillerie {S}", "Gartencenter {P}", "{P} Flooring"],
        (8, 450)),
    "housing.insurance": Spec(
        ["State Farm Home", "Allstate Homeowners", "Lemonade Insurance", "Allianz Hausrat", "HUK-Coburg Wohngebaeude",
         "AXA Home", "Aviva Home Insurance", "Direct Line Home", "Centraal Beheer Inboedel", "Generali Casa",
         "Zurich Versicherung", "Ergo Hausratversicherung", "Liberty Mutual Home", "Nationwide Home"],
        ["{S} Home Insurance", "{P} Hausratversicherung", "{S} Homeowners Insurance", "Wohngebaeudeversicherung {S}",
         "{P} Property Insurance", "Inboedelverzekering {S}", "{A} {N} Renters Insurance", "Assurance Habitation {S}",
         "{P} Buildings Insurance", "{S} Versicherung Hausrat"],
        (10, 160), accounts=("checking",), prefixes="debit"),
    "shopping.clothing": Spec(
        ["H&M", "Zara", "Uniqlo", "Primark", "C&A", "Gap", "Old Navy", "Banana Republic", "Nike Store", "Adidas",
         "Levi's", "Mango", "Massimo Dutti", "Next Retail", "Marks & Spencer Clothing", "TK Maxx", "TJ Maxx",
         "Nordstrom", "Macy's", "Peek & Cloppenburg", "Breuninger", "Galeria", "Bershka", "Pull & Bear",
         "Foot Locker", "Deichmann", "Snipes", "Zalando", "ASOS", "Urban Outfitters", "We Fashion", "Hunkemoller"],
        ["{S} Boutique", "{P} Shoe Store", "Modehaus {S}", "{A} {N} Apparel", "{S} Fashion", "{P} Outfitters",
         "Schuhhaus {S}", "{A} Denim Co", "{S} Menswear", "{P} Clothing Co", "Boutique {S}", "{A} Threads",
         "Kleding {S}", "{S} Tailors", "{P} Sportswear"],
        (12, 220)),
    "shopping.electronics": Spec(
        ["Best Buy", "Apple Store", "MediaMarkt", "Saturn", "Coolblue", "Currys", "Fnac", "Darty", "Conrad Electronic",
         "Cyberport", "Micro Center", "B&H Photo", "Newegg", "Notebooksbilliger", "Alternate", "Boulanger",
         "Samsung Shop", "Microsoft Store", "Expert Elektro", "Euronics", "Argos", "Bose Store"],
        ["{S} Electronics", "{P} Computer Store", "{A} Gadgets", "Elektro {S}", "{P} Phone Repair", "{S} Hi-Fi",
         "{A} {N} Tech", "{P} Camera Shop", "Computerladen {S}", "{S} Audio Video", "{P} PC World",
         "{A} Digital Store", "Elektronica {S}"],
        (15, 1600)),
    "shopping.home_goods": Spec(
        ["IKEA", "Bed Bath & Beyond", "HomeGoods", "Williams-Sonoma", "Crate & Barrel", "Pottery Barn", "Target",
         "Wayfair", "Westwing", "Depot", "Hema", "Action", "Xenos", "Kwantum", "Dunelm", "John Lewis Home",
         "Maisons du Monde", "Zara Home", "JYSK", "Dänisches Bettenlager", "Butlers", "Nanu-Nana", "Søstrene Grene",
         "TK Maxx Home", "The Range", "Kirkland's", "Pier 1", "Poco Einrichtungsmarkt", "Roller Moebel", "XXXLutz"],
        ["{S} Furniture", "Moebelhaus {P}", "{A} Home Decor", "{P} Kitchen Store", "{S} Bedding", "Wohnkaufhaus {S}",
         "{A} {N} Home", "{P} Interiors", "Woonwinkel {S}", "{S} Lighting", "{P} Housewares", "Haushaltswaren {S}",
         "{A} Candle Co", "{P} Rugs & Carpets"],
        (5, 600)),
    "shopping.online_shopping": Spec(
        ["Amazon Marketplace", "Amazon", "eBay", "Etsy", "AliExpress", "Temu", "Shein", "Otto", "Bol.com",
         "Wish", "Wish.com", "Cdiscount", "Allegro", "Shopify Store", "Walmart.com", "Rakuten", "Kaufland.de",
         "Vinted", "Wehkamp", "Galaxus", "Digitec", "Real.de"],
        ["{A} {N} Online Shop", "{S} Webshop", "{P} Online Store", "Onlineshop {S}", "{A} Marketplace",
         "{S} Ecommerce", "www.{s}shop.com", "{A}{N}.com", "{s}-versand.de", "{s}store.nl", "{A} Deals Online"],
        (5, 300), prefixes="online"),
    "health_wellness.pharmacy": Spec(
        ["CVS Pharmacy", "Walgreens", "Rite Aid", "Duane Reade", "Boots", "Superdrug", "Lloyds Pharmacy",
         "dm-drogerie markt", "Rossmann", "Mueller Drogerie", "DocMorris", "Shop Apotheke", "Kruidvat", "Etos",
         "Pharmacie Lafayette", "Farmacia Centrale", "Well Pharmacy", "Walmart Pharmacy", "Bartell Drugs",
         "Apotheke am Markt", "Medpex Versandapotheke", "Sanicare Apotheke", "Benu Apotheke", "Trekpleister"],
        ["{S} Pharmacy", "Apotheke {P}", "{P} Apotheke", "{S} Apotheek", "Pharmacie {S}", "{P} Drug Store",
         "{S} Chemist", "Farmacia {S}", "{A} Cross Pharmacy", "{P} Drugs", "Stern-Apotheke {P}", "Drogerie {S}",
         "{S} Rx Pharmacy", "Pharmacie du {P}", "{P} Family Pharmacy", "Apotheek {P}", "{A} Drugstore"],
        (3, 90)),
    "health_wellness.gym_fitness": Spec(
        ["Planet Fitness", "24 Hour Fitness", "LA Fitness", "Anytime Fitness", "Gold's Gym", "Equinox", "Orangetheory",
         "McFit", "FitX", "Clever Fit", "John Reed", "Urban Sports Club", "Basic-Fit", "PureGym", "The Gym Group",
         "David Lloyd", "Virgin Active", "SportCity", "Fitness First", "Crunch Fitness", "Peloton Membership",
         "ClassPass", "Holmes Place", "SoulCycle", "Barry's Bootcamp", "Life Time Fitness"],
        ["{P} Fitness", "{S} Gym", "Fitnessstudio {P}", "{A} Yoga Studio", "{P} CrossFit", "{S} Pilates",
         "{A} {N} Fitness Club", "Sportschool {S}", "{P} Climbing Gym", "{P} Boxing Club", "{S} Personal Training",
         "{A} Spin Studio", "Salle de Sport {P}", "{P} Swim Center", "Boulderhalle {P}"],
        (10, 90), accounts=("checking", "credit_card"), prefixes="debit"),
    "health_wellness.doctor": Spec(
        ["Kaiser Permanente", "One Medical", "Quest Diagnostics", "LabCorp", "Aspen Dental", "Bupa Dental",
         "Mydentist", "Doctolib", "Specsavers", "Fielmann", "Pearle Opticiens", "MinuteClinic", "CityMD",
         "Synlab", "Helios Klinik", "Charite", "Praxis Dr. Weber", "Bupa Health Clinic"],
        ["Dr. {S} Dental", "Praxis Dr. {S}", "{P} Medical Center", "{S} Family Practice", "Zahnarzt Dr. {S}",
         "{P} Dental Care", "Tandarts {S}", "{S} Orthodontics", "Cabinet Medical {S}", "{P} Urgent Care",
         "Hausarzt {S}", "{P} Clinic", "{S} Physiotherapie", "{P} Pediatrics", "Dr {S} MD", "Huisarts {S}",
         "{P} Eye Doctor Optometry", "Kieferorthopaede {S}", "{S} Dermatology"],
        (20, 400)),
    "health_wellness.health_insurance": Spec(
        ["Aetna", "Blue Cross Blue Shield", "UnitedHealthcare", "Cigna", "Humana", "Kaiser Health Plan", "Techniker Krankenkasse",
         "AOK", "Barmer", "DAK Gesundheit", "Debeka Krankenversicherung", "Zilveren Kruis", "CZ Zorgverzekeraar",
         "VGZ", "Menzis", "Bupa Insurance", "Vitality Health", "Allianz Private Krankenversicherung", "CSS Versicherung",
         "Helsana", "Oscar Health", "Ambetter", "Signal Iduna Kranken"],
        ["{P} Health Plan", "{S} Krankenversicherung", "Krankenkasse {P}", "{S} Health Insurance",
         "Zorgverzekering {S}", "{P} Medical Insurance", "Mutuelle {S}", "{A} Health Cover", "BKK {P}",
         "{S} Zahnzusatzversicherung", "{P} Dental Plan Insurance"],
        (40, 650), accounts=("checking",), prefixes="debit"),
    "entertainment.streaming_services": Spec(
        ["Netflix.com", "Spotify", "Disney Plus", "Hulu", "HBO Max", "Max.com", "Amazon Prime Video", "Apple TV+",
         "YouTube Premium", "Paramount+", "Peacock", "DAZN", "Sky Ticket", "WOW TV", "Joyn Plus", "Videoland",
         "Crunchyroll", "Deezer", "Tidal", "Apple Music", "Audible", "Twitch", "Canal+", "Mubi", "RTL+", "Sling TV",
         "Tidal Music", "Qobuz", "SoundCloud Go", "NOW TV"],
        ["{A}{N} Streaming", "{A} {N} TV Plus", "{S} Music Stream", "{A} Stream Premium", "{P} Video on Demand",
         "{A}Flix", "{A} Radio Plus", "{A} {N} Podcasts"],
        (4, 25), accounts=("credit_card", "checking"), prefixes="online"),
    "entertainment.movies_events": Spec(
        ["AMC Theatres", "Regal Cinemas", "Cinemark", "Odeon", "Vue Cinemas", "Cineworld", "CinemaxX", "UCI Kinowelt",
         "Pathe", "Kinepolis", "Ticketmaster", "Eventim", "Live Nation", "StubHub", "SeatGeek", "Eventbrite",
         "Fever", "Dice.fm", "See Tickets", "Yorck Kinos", "Cineplex", "Alamo Drafthouse", "Gaumont"],
        ["{P} Cinema", "Kino {P}", "{A} {N} Theatre", "{P} Concert Hall", "{S} Ticket Office", "Theater {P}",
         "{P} Museum Tickets", "{P} Opera House", "Bioscoop {P}", "{A} Comedy Club", "{P} Arena Tickets",
         "{P} Stadium Box Office", "Konzerthaus {P}", "{P} Zoo Entrance", "{A} Escape Room"],
        (8, 180)),
    "entertainment.games": Spec(
        ["Steam Purchase", "Steampowered.com", "PlayStation Network", "Xbox Live", "Microsoft*Xbox", "Nintendo eShop",
         "Epic Games Store", "GameStop", "GAME Digital", "Riot Games", "Blizzard Entertainment", "EA Origin",
         "Ubisoft Store", "Roblox", "Humble Bundle", "GOG.com", "Battle.net", "Valve Corp", "Gamesplanet",
         "Supercell", "King.com Candy Crush"],
        ["{A} {N} Games", "{S} Game Store", "{P} Gaming Lounge", "{A} Arcade", "{A} Pixel Studios", "Spielwaren {S}",
         "{A} Board Games Cafe", "{P} Video Games", "{A} Dice Gameshop", "{A} {N} Interactive"],
        (2, 80), prefixes="online"),
    "entertainment.hobbies": Spec(
        ["Michaels", "Hobby Lobby", "Jo-Ann Fabrics", "Guitar Center", "Thomann", "Idee Creativmarkt", "Hobbycraft",
         "Games Workshop", "Lego Store", "Decathlon", "REI", "Dick's Sporting Goods", "Intersport", "Sport Scheck",
         "Bergfreunde", "Musicstore", "Blick Art Materials", "Boesner", "Modelbouw Dreamland", "Fressnapf",
         "Petco", "PetSmart", "Pets at Home", "Zooplus", "Fishing Tackle Shop", "Bike24"],
        ["{S} Art Supplies", "{P} Music Shop", "{A} {N} Craft Store", "{P} Bike Shop", "Fahrradladen {S}",
         "{S} Model Trains", "{P} Fishing Tackle", "{A} Yarn & Knitting", "Bastelladen {S}", "{P} Photo Supply",
         "{S} Guitars", "{A} Garden Seeds", "{P} Pet Supplies", "Zoohandlung {S}", "{A} Pottery Studio",
         "{P} Sewing Center", "{S} Hobby Shop"],
        (5, 250), prefixes="small"),
    "travel.flights": Spec(
        ["Lufthansa", "KLM", "Air France", "British Airways", "Ryanair", "easyJet", "Eurowings", "Wizz Air",
         "Transavia", "Vueling", "Iberia", "Swiss Intl Air Lines", "Austrian Airlines", "United Airlines",
         "Delta Air Lines", "American Airlines", "Southwest Airlines", "JetBlue", "Alaska Airlines", "Condor",
         "TAP Air Portugal", "SAS Scandinavian", "Aer Lingus", "Norwegian Air", "Spirit Airlines", "Frontier Airlines",
         "Turkish Airlines", "Emirates", "Qatar Airways"],
        ["{A} Airways", "{P} Air", "{A} {N} Airlines", "{P} Airport Flight", "Fluggesellschaft {S}",
         "{A} Wings Aviation", "{P} Aviation", "{A} Jet Air", "{P} Flights Booking", "Luchtvaart {S}"],
        (40, 900), accounts=("credit_card", "checking"), prefixes="online"),
    "travel.hotels": Spec(
        ["Marriott", "Hilton Hotels", "Hyatt", "Holiday Inn", "Best Western", "Motel 6", "Ibis", "Novotel",
         "Accor Hotels", "NH Hotels", "Motel One", "Premier Inn", "Travelodge", "Radisson", "Sheraton",
         "Booking.com", "Hotels.com", "Expedia Hotel", "Airbnb", "Vrbo", "Meininger", "a&o Hostels",
         "Generator Hostel", "B&B Hotels", "Steigenberger", "Mercure", "Kempinski", "Van der Valk"],
        ["Hotel {P}", "{P} Inn", "{S} Guesthouse", "Hotel {S}", "{A} {N} Hotel", "{P} Hostel", "Pension {S}",
         "{P} Lodge", "Gasthof {S}", "{A} Suites", "{P} Bed & Breakfast", "Hotel am {P}", "{P} Resort",
         "Auberge {S}", "{S} Motel"],
        (50, 900), accounts=("credit_card", "checking")),
    "travel.car_rental": Spec(
        ["Hertz", "Avis", "Sixt", "Europcar", "Enterprise Rent-A-Car", "Budget Rent A Car", "National Car Rental",
         "Alamo", "Thrifty", "Dollar Rent A Car", "Enterprise", "Goldcar", "Rentalcars.com", "Getaround",
         "Zipcar", "Share Now", "Miles Mobility", "Turo", "Green Motion", "Buchbinder", "Starcar"],
        ["{P} Car Rental", "Autovermietung {S}", "{A} Rent-a-Car", "{S} Car Hire", "{P} Van Rental",
         "Autoverhuur {S}", "Location de Voitures {S}", "{A} {N} Rentals Cars", "{P} Auto Rental", "{S} Carsharing"],
        (25, 700), accounts=("credit_card", "checking")),
    "travel.vacation": Spec(
        ["TUI", "Thomas Cook", "Expedia", "Lastminute.com", "Opodo", "eDreams", "Holidaycheck", "Center Parcs",
         "Club Med", "GetYourGuide", "Viator", "Airbnb Experiences", "Carnival Cruise", "Royal Caribbean",
         "AIDA Cruises", "Landal GreenParks", "Jet2holidays", "Sunweb", "Alltours", "FTI Touristik",
         "Disney Resorts", "Universal Parks", "Europa-Park", "Efteling", "Ski Pass Zermatt"],
        ["{P} Tours", "Reisebuero {S}", "{A} {N} Travel", "{S} Holidays", "{P} Ski Resort", "{A} Cruise Line",
         "{P} Safari Adventures", "Reisbureau {S}", "{A} Vacation Rentals", "{P} Boat Trips", "{S} Travel Agency",
         "{P} Adventure Park", "Ferienwohnung {S}", "{A} Camping", "{P} Excursions"],
        (30, 2500), accounts=("credit_card", "checking")),
    "subscriptions": Spec(
        ["Adobe Systems", "Microsoft 365", "Dropbox", "Google Storage", "Google One", "iCloud Storage", "Patreon",
         "New York Times", "The Guardian", "Spiegel Plus", "Zeit Abo", "Medium.com", "Substack", "ChatGPT Plus",
         "OpenAI", "Notion Labs", "1Password", "NordVPN", "ExpressVPN", "LinkedIn Premium", "Canva", "Evernote",
         "GitHub", "Washington Post", "Economist", "Duolingo Plus", "Headspace", "Calm.com", "Tinder", "Bumble",
         "Blinkist", "Readly", "Kindle Unlimited", "Amazon Prime", "Grammarly", "Squarespace", "Wix.com"],
        ["{A} {N} Subscription", "{S} Monthly Membership", "{A} Cloud Storage", "{P} Newspaper Abo",
         "{A} Magazine Subscription", "{A} {N} Premium", "{A} Software License", "{S} Abonnement", "{A} VPN",
         "{A} Newsletter Plus", "{P} Daily Digital Subscription"],
        (1, 60), accounts=("credit_card", "checking"), prefixes="online"),
    "personal_care.hair_beauty": Spec(
        ["Great Clips", "Supercuts", "Sport Clips", "Sephora", "Ulta Beauty", "Douglas", "Flaconi", "Rituals",
         "The Body Shop", "Lush", "Kiehl's", "Toni & Guy", "Klier Friseur", "Essanelle", "Hairlounge", "Nail Bar",
         "European Wax Center", "Benefit Cosmetics", "MAC Cosmetics", "Yves Rocher", "Nocibe", "Marionnaud",
         "Treatwell", "Drybar"],
        ["Friseur {S}", "{S} Hair Salon", "{P} Barber Shop", "{A} Nails", "Kosmetikstudio {S}", "{S} Beauty Salon",
         "Kapsalon {S}", "{P} Barbers", "Salon {S}", "{A} {N} Spa", "{P} Day Spa", "Coiffure {S}",
         "{S} Lashes & Brows", "{A} Beauty Bar", "{P} Massage", "Nagelstudio {P}", "{S} Cosmetics"],
        (8, 160), prefixes="small"),
    "education.tuition": Spec(
        ["Harvard University", "UC Berkeley", "NYU Bursar", "Stanford University", "University of Amsterdam",
         "TU Muenchen", "Universitaet Wien", "University College London", "King's College London",
         "Sorbonne Universite", "Studentenwerk Berlin", "DUO Studiefinanciering", "Sallie Mae", "Navient",
         "Montessori School", "British School", "Goethe-Institut", "Berlitz", "Fernuniversitaet Hagen",
         "Coursera University", "Bright Horizons", "KinderCare"],
        ["{P} University Tuition", "{P} Community College", "Universitaet {P}", "{S} Academy", "{P} High School Fees",
         "Hochschule {P}", "{P} Kindergarten", "Kita {P}", "{P} Language School", "Schule {S}",
         "{P} College Bursar", "Hogeschool {P}", "{S} Montessori", "{P} School District", "Musikschule {P}",
         "Fahrschule {S}", "{P} Driving School", "{S} Tutoring", "Nachhilfe {S}", "Studiengebuehr {P}"],
        (50, 3000), accounts=("checking",), prefixes="transfer"),
    "education.books_courses": Spec(
        ["Barnes & Noble", "Waterstones", "Thalia", "Hugendubel", "Mayersche", "Boekhandel Broese", "Fnac Livres",
         "Udemy", "Coursera", "Skillshare", "Masterclass", "edX", "LinkedIn Learning", "Pluralsight", "Chegg",
         "Books-A-Million", "Powell's Books", "Blackwell's", "Foyles", "AbeBooks", "Kobo", "Pearson Education",
         "O'Reilly Media", "Bookshop.org", "Medimops", "Rebuy Buecher"],
        ["{S} Books", "Buchhandlung {S}", "{P} Bookstore", "{A} {N} Books", "Boekhandel {S}", "Librairie {S}",
         "{P} Online Course", "{A} Learning Academy Course", "{P} Book Shop", "{S} Verlag", "{A} Tutorials",
         "{P} Used Books", "{S} Seminare", "{A} Workshop Course", "{A} Bootcamp Course"],
        (5, 250)),
    "gifts_donations.gifts": Spec(
        ["Hallmark", "Card Factory", "Interflora", "Fleurop", "1-800-Flowers", "FTD Flowers", "Bloom & Wild",
         "Moonpig", "Funky Pigeon", "Jochen Schweizer", "Mydays", "Red Letter Days", "Tiffany & Co", "Pandora",
         "Swarovski", "Thalia Geschenkkarte", "Build-A-Bear", "Toys R Us", "Smyths Toys", "Intertoys",
         "Thortons Chocolates", "Lindt Chocolate Shop", "Hussel Confiserie", "Leonidas", "Neuhaus", "Godiva",
         "Christ Juweliere"],
        ["{S} Florist", "Blumen {S}", "{P} Gift Shop", "{A} {N} Gifts", "Bloemenwinkel {S}", "{S} Jewelers",
         "Geschenkeladen {P}", "{P} Toy Store", "Fleuriste {S}", "{A} Flowers", "{P} Card Shop",
         "Spielzeug {S}", "{A} Gift Boxes", "{S} Chocolatier", "{P} Souvenirs", "Juwelier {S}"],
        (10, 200)),
    "gifts_donations.charity": Spec(
        ["Red Cross", "American Red Cross", "Deutsches Rotes Kreuz", "UNICEF", "Oxfam", "Doctors Without Borders",
         "Aerzte ohne Grenzen", "WWF", "Greenpeace", "Save the Children", "Amnesty International", "Wikimedia Foundation",
         "Salvation Army", "Cancer Research UK", "British Heart Foundation", "KWF Kankerbestrijding", "Caritas",
         "Diakonie", "Brot fuer die Welt", "Habitat for Humanity", "St Jude Children's", "GoFundMe", "JustGiving",
         "Misereor", "Plan International", "SOS Kinderdorf", "Welthungerhilfe", "Kiva", "Mozilla Foundation"],
        ["{P} Food Bank", "{S} Foundation Donation", "Spende {P} Tierheim", "{P} Animal Shelter", "{A} Hope Charity",
         "Stiftung {S}", "{P} Church Donation", "Kirchengemeinde {P}", "{P} Hospice", "Verein {P} eV Spende",
         "{A} Hands Charity", "{P} Homeless Shelter", "Stichting {S}", "{S} Memorial Fund", "{P} Mission Donation"],
        (5, 250), accounts=("checking", "credit_card"), prefixes="transfer"),
    "fees_charges.bank_fees": Spec(
        ["Account Maintenance Fee", "Monthly Service Fee", "Kontofuehrungsgebuehr", "Overdraft Fee", "ATM Fee",
         "Foreign Transaction Fee", "Wire Transfer Fee", "Annual Card Fee", "Kartengebuehr", "Entgelt Kontofuehrung",
         "Returned Item Fee", "Insufficient Funds Fee", "NSF Fee", "Kosten Betaalpakket", "Frais de Tenue de Compte",
         "Commission Paiement Etranger", "Auslandseinsatzentgelt", "Stop Payment Fee", "Paper Statement Fee",
         "Cash Advance Fee", "Late Payment Fee", "Fremdwaehrungsgebuehr", "Bargeldauszahlung Gebuehr",
         "Rekeningkosten", "Service Charge"],
        [],
        (1, 40), accounts=("checking", "credit_card", "savings"), prefixes="none"),
    "fees_charges.interest_charged": Spec(
        ["Interest Charge on Purchases", "Purchase Interest Charge", "Interest Charged", "Sollzinsen",
         "Dispozinsen", "Ueberziehungszinsen", "Interest on Cash Advances", "Finance Charge", "Debetrente",
         "Agios", "Interets Debiteurs", "Overdraft Interest", "Zinsen fuer Dispositionskredit", "Kreditzinsen",
         "Interest Charge Balance Transfer", "Minimum Interest Charge", "Loan Interest Payment"],
        [],
        (1, 120), accounts=("credit_card", "checking"), prefixes="none"),
    "taxes": Spec(
        ["IRS Treas 310", "IRS USATAXPYMT", "Finanzamt", "Belastingdienst", "HMRC", "HMRC Self Assessment",
         "DGFIP Impot", "Franchise Tax Board", "NYS DTF Tax", "State Tax Payment", "Kfz-Steuer Bundeskasse",
         "Grundsteuer Stadtkasse", "Council Tax", "Gemeentelijke Belastingen", "Taxe Fonciere", "Hundesteuer",
         "Property Tax Payment", "Agencia Tributaria", "Steuerverwaltung", "Gewerbesteuer", "Rundfunkbeitrag",
         "Waterschapsbelasting", "County Treasurer Tax", "Estimated Tax Payment"],
        ["Finanzamt {P}", "{P} County Tax Collector", "Stadtkasse {P} Steuer", "{P} Council Tax", "Gemeente {P} Belasting",
         "{P} City Tax Office", "Tresor Public {P}", "{P} Property Tax", "Steueramt {P}", "{P} Revenue Department"],
        (40, 4000), accounts=("checking",), prefixes="transfer"),
    "income.salary": Spec(
        ["Payroll ACME Corp", "ADP Payroll", "Gusto Payroll", "Paychex", "Siemens AG", "SAP SE", "Deutsche Post",
         "Philips", "Unilever", "Shell Nederland", "Google LLC Payroll", "Microsoft Payroll", "Amazon Payroll",
         "Workday Payroll", "State of California Payroll", "City of Amsterdam Salaris", "NHS Payroll", "Bosch GmbH",
         "Allianz SE", "Accenture", "Deloitte", "BMW AG", "Zalando SE", "Booking Holdings", "Ahold Delhaize"],
        ["{S} Consulting Payroll", "{P} Industries Salary", "{A} {N} Inc Payroll", "{S} & Partners Gehalt",
         "{P} Logistics Salaris", "{S} Holding Salary", "{A} Systems Direct Dep", "{P} Hospital Payroll",
         "{S} Engineering Lohn", "{P} University Payroll", "{A} {N} Ltd Salary"],
        (1400, 7500), sign=1, accounts=("checking",), prefixes="income"),
    "income.interest": Spec(
        ["Interest Paid", "Interest Payment", "Habenzinsen", "Zinsgutschrift", "Rente", "Creditrente",
         "Interets Crediteurs", "Savings Interest", "Monthly Interest", "Interest Earned", "Dividend Interest",
         "Tagesgeld Zinsen", "Spaarrente", "Credit Interest", "Zinsen Festgeld", "Annual Interest Credit"],
        [],
        (0.01, 60), sign=1, accounts=("savings", "checking"), prefixes="none"),
    "income.refunds": Spec(
        ["Amazon Refund", "Refund Zalando", "Erstattung", "Gutschrift Retoure", "Return Credit", "Refund PayPal",
         "Ruecklastschrift", "Terugbetaling", "Remboursement", "Merchandise Return", "Refund Uber", "Chargeback Credit",
         "Steuererstattung", "IRS Tax Refund", "Tax Refund HMRC", "Belastingdienst Teruggave", "Rueckerstattung",
         "Refund Ryanair", "Refund Booking.com", "Reimbursement Expenses"],
        ["Refund {A} {N} Store", "Erstattung {S}", "Return {P} Shop", "Refund {S} Online", "Gutschrift {S} Retoure",
         "Terugbetaling {S}", "Remboursement {S}", "Credit Voucher {A} {N}"],
        (3, 400), sign=1, accounts=("checking", "credit_card"), prefixes="none"),
    "income.other_income": Spec(
        ["Venmo Cashout", "Zelle From", "Cash App Transfer In", "Tikkie", "PayPal Transfer In", "Etsy Payout",
         "eBay Payout", "Vinted Auszahlung", "Airbnb Payout", "Uber Driver Payout", "Kindergeld Familienkasse",
         "Elterngeld", "Child Benefit HMRC", "Unemployment Benefit", "Social Security SSA Treas", "Pension Payment",
         "Rentenzahlung Deutsche Rentenversicherung", "Dividend Payment", "Stripe Payout", "Shopify Payout",
         "Mieteinnahme", "Rental Income", "Bonus Payment", "Lottery Winnings", "Freelance Invoice Payment"],
        ["Payment from {S}", "Invoice {S} Freelance", "Overboeking van {S}", "Zahlung von {S}", "Virement de {S}",
         "{S} Consulting Fee Received", "Mieteinnahme {P}", "{A} {N} Payout"],
        (10, 2500), sign=1, accounts=("checking",), prefixes="income"),
    "transfers.between_accounts": Spec(
        ["Online Transfer to Chk", "Online Transfer from Sav", "Internal Transfer", "Umbuchung", "Uebertrag",
         "Eigene Rekening", "Overboeking eigen rekening", "Virement Interne", "Transfer to Checking",
         "Transfer from Checking", "Revolut Top-up", "Wise Transfer", "N26 Space Transfer", "Mobile Transfer",
         "Kontouebertrag", "Account Transfer", "Transfer Between Accounts", "Bunq Transfer"],
        ["Transfer to {S} Account", "Uebertrag an {S}", "Overboeking naar {S}", "Virement vers {S}",
         "Transfer from {S} Joint"],
        (20, 3000), sign=0, accounts=("checking", "savings"), prefixes="none"),
    "transfers.credit_card_payment": Spec(
        ["Payment Thank You", "Autopay Payment", "Credit Card Payment", "Chase Card Epay", "Amex Epayment",
         "American Express ACH Pmt", "Capital One Online Pmt", "Citi Autopay", "Discover E-Payment",
         "Kreditkartenabrechnung", "Kreditkarte Ausgleich", "Creditcard Aflossing", "ICS Creditcard",
         "Barclaycard Payment", "Mastercard Abrechnung", "Visa Abrechnung", "Online Payment Thank You",
         "Card Balance Payment", "Bank of America Credit Card Bill Payment"],
        [],
        (50, 4000), sign=0, accounts=("checking", "credit_card"), prefixes="none"),
    "transfers.savings_transfer": Spec(
        ["Transfer to Savings", "Sparplan", "Savings Goal", "Round Up Savings", "Sparen Tagesgeld",
         "Spaarrekening", "Naar Spaarrekening", "Livret A Versement", "Auto Save", "Marcus Savings",
         "Ally Savings Transfer", "Tagesgeldkonto Einzahlung", "Dauerauftrag Sparkonto", "Digit Savings",
         "Acorns Invest", "Trade Republic Sparplan", "Vanguard Savings Deposit", "Festgeld Anlage"],
        ["Savings {S} Goal", "Sparen {P} Ruecklage", "Spaarpot {S}", "{A} {N} Savings Pot"],
        (10, 2000), sign=0, accounts=("checking", "savings"), prefixes="none"),
    "transfers.cash_withdrawal": Spec(
        ["ATM Withdrawal", "Cash Withdrawal", "Bargeldauszahlung", "Geldautomat", "GA Bargeld", "Geldopname",
         "Retrait DAB", "Non-Chase ATM Withdraw", "ATM Cash", "Cash Machine", "Barauszahlung", "Geldautomaat",
         "Withdrawal ATM", "Cashpoint", "Retiro Cajero", "Prelievo Bancomat", "Cash Back"],
        ["ATM {P}", "Geldautomat {P}", "Sparkasse {P} GAA", "Cash Withdrawal {P} Branch", "Geldautomaat {P}",
         "DAB {P}", "ATM {S} Bank"],
        (20, 500), accounts=("checking",), prefixes="none"),
}

CARD_PREFIXES = ["", "", "", "POS PURCHASE ", "POS DEBIT ", "CARD PAYMENT TO ", "CARD PURCHASE ", "VISA DEBIT ",
                 "DEBIT CARD PURCHASE ", "CONTACTLESS ", "KARTENZAHLUNG ", "GIROCARD ", "EC-KARTE ", "BEA ",
                 "PAIEMENT PAR CARTE ", "CB ", "COMPRA ", "PURCHASE AUTHORIZED ON {D} ", "MASTERCARD "]
SMALL_PREFIXES = ["SQ *", "SQ *", "TST* ", "SUMUP *", "IZ *", "ZETTLE_*", "PAYPAL *", "SQR*"]
DEBIT_PREFIXES = ["SEPA-LASTSCHRIFT ", "LASTSCHRIFT ", "DIRECT DEBIT ", "DD ", "ACH DEBIT ", "INCASSO ",
                  "PRLV SEPA ", "SEPA-LASTSCHRIFT VON ", "FOLGELASTSCHRIFT "]
TRANSFER_PREFIXES = ["SEPA-UEBERWEISUNG ", "UEBERWEISUNG ", "ONLINE BANKING TRANSFER ", "BILL PAYMENT ",
                     "STANDING ORDER ", "DAUERAUFTRAG ", "VIR SEPA ", "OVERBOEKING ", "ZELLE TO ", "WEB PMT "]
INCOME_PREFIXES = ["GUTSCHRIFT ", "LOHN/GEHALT ", "DIRECT DEP ", "SALARY ", "PAYROLL DEPOSIT ", "SALARIS ",
                   "VIR SEPA RECU ", "SEPA-GUTSCHRIFT ", "ACH CREDIT ", "BACS "]
ONLINE_PREFIXES = ["PAYPAL *", "AMZN Mktp DE*", "AMZN Mktp US*", "GOOGLE *", "APPLE.COM/BILL ", "", "", "CARD PAYMENT TO "]
TRUNCATIONS = [22, 25, 32]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self, template: str) -> str:
        r = self.rng
        s = r.choice(SURNAMES)
        return (template.replace("{S}", s).replace("{s}", s.lower().replace(" ", "").replace("'", ""))
                .replace("{P}", r.choice(PLACES)).replace("{A}", r.choice(ADJECTIVES)).replace("{N}", r.choice(NOUNS)))

    def date(self) -> str:
        r = self.rng
        return r.choice([f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}", f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}",
                         f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.2025", f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"])

    def store_bits(self, european: bool) -> str:
        r = self.rng
        parts = []
        roll = r.random()
        if roll < 0.35:
            parts.append(r.choice([f"#{r.randint(1, 9999)}", f"{r.randint(1, 9999):04d}", f"NO.{r.randint(1, 999)}",
                                   f"T{r.randint(100, 99999)}", f"{r.randint(100000, 999999)}"]))
        if r.random() < 0.55:
            city, region = r.choice(EU_CITIES if european else US_CITIES)
            parts.append(r.choice([f"{city} {region}", city, f"{city}, {region}"]))
        if r.random() < 0.25:
            parts.append(self.date())
        if r.random() < 0.1:
            parts.append(f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}")
        if r.random() < 0.1:
            parts.append(r.choice([f"CARD {r.randint(1000, 9999)}", f"KARTE {r.randint(1000, 9999)}",
                                   f"XXXX{r.randint(1000, 9999)}"]))
        return " ".join(parts)

    def reference(self) -> str:
        r = self.rng
        return r.choice([f"REF {r.randint(10**7, 10**9)}", f"MANDAT {r.randint(10**5, 10**7)}",
                         f"END-TO-END-REF {r.randint(10**8, 10**10)}", f"ID {r.randint(10**5, 10**8)}",
                         f"KD-NR {r.randint(10**4, 10**7)}", f"INV{r.randint(1000, 99999)}", "", "", ""])

    def descriptor(self, key: str, spec: Spec, merchant: str) -> str:
        r = self.rng
        european = r.random() < 0.5
        style = spec.prefixes
        if style == "card":
            prefix = r.choice(CARD_PREFIXES).replace("{D}", self.date())
            text = f"{prefix}{merchant} {self.store_bits(european)}"
        elif style == "small":
            prefix = r.choice(SMALL_PREFIXES) if r.random() < 0.45 else r.choice(CARD_PREFIXES).replace("{D}", self.date())
            text = f"{prefix}{merchant} {self.store_bits(european)}"
        elif style == "online":
            prefix = r.choice(ONLINE_PREFIXES)
            order = r.choice(["", f" {r.randint(100, 999)}-{r.randint(1000000, 9999999)}",
                              f"*{''.join(r.choice('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') for _ in range(7))}"])
            text = f"{prefix}{merchant}{order} {r.choice(['', 'WWW', 'LUXEMBOURG', 'SEATTLE WA', 'DUBLIN', 'AMSTERDAM', 'LOS GATOS CA'])}"
        elif style == "debit":
            prefix = r.choice(DEBIT_PREFIXES) if r.random() < 0.75 else r.choice(CARD_PREFIXES).replace("{D}", self.date())
            text = f"{prefix}{merchant} {self.reference()} {r.choice(['', self.date()])}"
        elif style == "transfer":
            text = f"{r.choice(TRANSFER_PREFIXES)}{merchant} {self.reference()}"
        elif style == "income":
            text = f"{r.choice(INCOME_PREFIXES)}{merchant} {r.choice(['', self.reference(), self.date()])}"
        else:
            text = f"{merchant} {r.choice(['', '', self.date(), self.reference(), self.store_bits(european)])}"
            if key == "transfers.cash_withdrawal" and r.random() < 0.5:
                text = f"{text} {self.store_bits(european)}"
        text = " ".join(text.split())
        case = r.random()
        if case < 0.72:
            text = text.upper()
        elif case < 0.8:
            text = text.lower()
        if r.random() < 0.15:
            text = text[: r.choice(TRUNCATIONS)].rstrip()
        return text

    def amount(self, key: str, spec: Spec, account_kind: str) -> Decimal:
        r = self.rng
        low, high = spec.amount
        # Log-uniform: many small amounts, a few large ones, as on real statements.
        value = Decimal(str(round(low * (high / low) ** r.random(), 2))).quantize(Decimal("0.01"))
        if value <= 0:
            value = Decimal("0.01")
        sign = spec.sign
        if sign == 0:
            if key == "transfers.credit_card_payment":
                sign = 1 if account_kind == "credit_card" else -1
            else:
                sign = r.choice([-1, 1])
        if key == "transfers.savings_transfer":
            sign = 1 if account_kind == "savings" else -1
        return value * sign


def corpus_rows(*, per_category: int = 400, seed: int = 4) -> list[dict[str, str]]:
    """Rows for every category, ``per_category`` each; deterministic for a given seed."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    rows: list[dict[str, str]] = []
    for key, spec in CATEGORIES.items():
        # Invent a fixed pool of names per category so that each invented merchant recurs, like a real one.
        invented = sorted({writer.name(t) for t in spec.templates for _ in range(6)})
        pool = spec.brands * 3 + invented if invented else spec.brands
        for _ in range(per_category):
            merchant = rng.choice(pool)
            account_kind = rng.choice(spec.accounts)
            if rng.random() < 0.04 and spec.sign == -1 and "cash" not in spec.accounts:
                account_kind = "cash" if spec.prefixes in ("small", "card") else account_kind
            rows.append({
                "description": writer.descriptor(key, spec, merchant),
                "amount": str(writer.amount(key, spec, account_kind)),
                "account_kind": account_kind,
                "category_key": key,
                "merchant": merchant,
            })
    rng.shuffle(rows)
    return rows


def corpus_write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def corpus_read(path: Path = DEFAULT_PATH) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-category", type=int, default=400)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    rows = corpus_rows(per_category=args.per_category, seed=args.seed)
    corpus_write(args.out, rows)
    merchants = {row["merchant"] for row in rows}
    held_out = sum(merchant_is_held_out(m) for m in merchants)
    print(f"{len(rows)} rows, {len(CATEGORIES)} categories, {len(merchants)} merchants ({held_out} held out) -> {args.out}")


if __name__ == "__main__":
    main()
