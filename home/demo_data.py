"""Demo data taken from the AILB 2021 activity report (shared/seed).

Plain data, no Django: ``seed_demo`` and the directory app read it. Names of
people are those of the report; e-mail addresses are invented (example.org).
"""

from decimal import Decimal

# name, short name, department, population 2019, population 2020 (report, p. 29)
EPCI = [
    ("Redon Agglomération", "Redon", "35", 68537, 68497),
    ("COMPA – Communauté de communes du Pays d'Ancenis", "Ancenis", "44", 67991, 68371),
    ("Communauté de communes Châteaubriant-Derval", "Châteaubriant-Derval", "44", 45779, 45927),
    ("Vallons de Haute Bretagne Communauté", "Guichen / Guipry-Messac", "35", 44211, 44574),
    ("Ploërmel Communauté", "Ploërmel", "56", 43823, 43624),
    ("Oust à Brocéliande Communauté", "Guer", "56", 40135, 39989),
    ("Communauté de communes de Pontchâteau Saint-Gildas-des-Bois", "Pontchâteau", "44", 35872, 35873),
    ("Bretagne Porte de Loire Communauté", "Bain-de-Bretagne", "35", 32447, 32649),
    ("Arc Sud Bretagne", "Muzillac", "56", 27767, 27239),
    ("Questembert Communauté", "Questembert", "56", 23866, 23990),
    ("Brocéliande Communauté", "Plélan-le-Grand", "35", 18349, 18645),
    ("Communauté de communes de la Région de Blain", "Blain", "44", 16457, 16526),
    ("Communauté de communes de la Région de Nozay", "Nozay", "44", 15978, 16080),
]
CONTRIBUTION_RATE_2021 = Decimal("0.15")  # € per inhabitant, on the previous year's population
REPORTED_TOTAL_POPULATION_2020 = 481984
REPORTED_TOTAL_CONTRIBUTION_2021 = Decimal("72297.60")

# username, first name, last name, mandate (report pp. 17-18)
ELUS = [
    ("jf.mary", "Jean-François", "Mary", "Président de l'AILB, président de Redon Agglomération"),
    ("c.theveniau", "Claire", "Theveniau", "Vice-présidente de l'AILB, présidente de Nozay Communauté"),
    ("jl.bleher", "Jean-Luc", "Bleher", "Vice-président de l'AILB, président d'Oust à Brocéliande Communauté"),
    ("d.david", "Dominique", "David", "Vice-président de l'AILB, vice-président de la CC Châteaubriant-Derval"),
    ("p.lediffon", "Patrick", "Le Diffon", "Secrétaire de l'AILB, président de Ploërmel Communauté"),
    ("jp.belleil", "Jean-Pierre", "Belleil", "Secrétaire adjoint de l'AILB, vice-président de la COMPA"),
    ("b.ethore", "Bernard", "Ethoré", "Trésorier de l'AILB, président de Brocéliande Communauté"),
    ("v.minier", "Vincent", "Minier", "Trésorier adjoint de l'AILB, président de Bretagne Porte de Loire Communauté"),
]
STAFF = [
    ("v.poteau", "Vanessa", "Poteau", "Cheffe de projet de l'AILB"),
    ("l.francois", "Laurence", "François", "Assistante administrative et comptable de l'AILB"),
]
TECHNICIANS = [
    ("c.bidaud", "Christophe", "Bidaud", "Directeur du développement, Redon Agglomération"),
    ("d.baron", "Daniel", "Baron", "Consultant, Daniel Baron Conseil & Associés"),
    ("a.huet", "Armel", "Huet", "Conseiller scientifique, professeur émérite (Université de Rennes)"),
    ("n.elleouet", "Nicolas", "Elleouet", "Collaborateur parlementaire, conseiller technique"),
]

# slug, title, theme, visibility, referents (usernames), technicians (usernames), intro
GROUPS = [
    (
        "habiter", "Vivre et habiter les territoires ruraux",
        "Logement, emplois locaux, activités et mobilités : séminaires et charte de l'Habiter",
        "ouvert", ["jf.mary", "c.theveniau"], ["a.huet", "c.bidaud"],
        "De l'automne 2021 au printemps 2022, trois à quatre séminaires aboutiront à la rédaction d'une "
        "charte de « l'Habiter en territoires intermétropolitains », présentée lors d'un colloque au printemps 2022.",
    ),
    (
        "dechets", "Déchets", "Gestion et traitement des ordures ménagères face à la hausse de la TGAP",
        "ouvert", ["jf.mary"], ["c.bidaud"],
        "La hausse progressive de la TGAP renchérit le traitement des déchets. Un temps fort d'une demi-journée "
        "est construit avec les deux Régions pour novembre 2021.",
    ),
    (
        "eau", "Eau", "Ressource en eau, GEMAPI, assainissement ; révision du SDAGE avec l'EPTB Vilaine",
        "ouvert", ["jf.mary", "jl.bleher"], ["c.bidaud"],
        "Avec l'EPTB Vilaine, un temps de prise de connaissance est proposé aux EPCI sur la révision du schéma "
        "directeur d'aménagement et de gestion des eaux (SDAGE), avant de définir les actions 2022.",
    ),
    (
        "tourisme", "Tourisme", "Stratégie touristique, bassin fluvial Vilaine / Oust / canal de Nantes à Brest",
        "ouvert", ["c.theveniau", "v.minier"], ["c.bidaud"],
        "Le groupe partage les projets touristiques des territoires et consolide une cartographie des stratégies "
        "et des projets touristiques de l'AILB.",
    ),
    (
        "hydrogene", "Mobilités décarbonées – hydrogène", "Filière hydrogène vert, stations et usages ; SAS MHOOVE",
        "prive", ["b.ethore", "d.david"], ["d.baron"],
        "Chantier d'expérimentation : développement d'une filière de production et de valorisation de "
        "l'hydrogène vert. Le groupe est privé : il partage des documents confidentiels des partenaires industriels.",
    ),
    (
        "campus", "Campus de proximité – formation supérieure en alternance",
        "Maillage de l'offre de formation supérieure sur le modèle du CAMPUS ESPRIT Industries",
        "ouvert", ["p.lediffon", "jp.belleil"], ["d.baron"],
        "Chantier d'expérimentation entre les territoires d'industries labellisés (Redon, Ancenis, "
        "Châteaubriant-Derval, Ploërmel) ; élaboration d'une « Charte des CAMPUS de proximité ».",
    ),
]  # fmt: skip

# Association-wide calendar 2021 (report p. 16): kind, date, hour, title, place, agenda items
CALENDAR_2021 = [
    ("bureau", "2021-01-29", "10:00", "Bureau", "Redon", ["Avancement – méthode", "Élections du bureau", "Budget"]),
    ("autre", "2021-01-29", "12:30", "Déjeuner des présidents", "Redon", []),
    ("ag", "2021-02-12", "10:00", "Assemblée générale", "Redon",
     ["Avancement – méthode", "Élections du bureau et des suppléants", "Budget prévisionnel 2021"]),
    ("bureau", "2021-03-11", "10:00", "Bureau", "Visioconférence", ["Marchés", "Chantiers"]),
    ("ag", "2021-03-19", "10:00", "Assemblée générale", "Guipry-Messac",
     ["Projet hydrogène", "Projet campus", "Petites villes de demain / CRTE"]),
    ("bureau", "2021-04-09", "10:00", "Bureau", "Derval", ["Structuration"]),
    ("ag", "2021-05-28", "09:30", "Assemblée générale élargie", "Bouvron",
     ["Retour des journées d'immersion", "Stratégie du deuxième trimestre"]),
    ("bureau", "2021-06-11", "10:00", "Bureau", "Visioconférence", ["Préparation du séminaire"]),
    ("seminaire", "2021-06-25", "09:30", "Séminaire", "Visioconférence",
     ["Conclusions du premier semestre de l'étude", "Avancement des groupes projets", "Bilan",
      "Rapport d'activité"]),
    ("bureau", "2021-09-17", "10:00", "Bureau", "Visioconférence", ["Séminaire"]),
    ("seminaire", "2021-10-01", "09:30", "Séminaire", "Questembert", ["À définir"]),
    ("autre", "2021-10-01", "12:30", "Déjeuner des présidents", "Questembert", []),
]  # fmt: skip

# Group meetings from the report: group slug, kind, date, hour, title, place, agenda
GROUP_MEETINGS = [
    ("campus", "groupe", "2021-03-12", "10:00", "Visite du CAMPUS ESPRIT Industries", "Redon",
     ["Présentation du modèle CAMPUS ESPRIT Industries",
      "Échanges avec la Région Pays de la Loire, la CRCI et la CCI"]),
    ("campus", "groupe", "2021-04-15", "14:00", "Rencontre des acteurs de la formation", "Ploërmel",
     ["Besoins en compétences des entreprises", "Offre des lycées du territoire"]),
    ("campus", "groupe", "2021-05-06", "14:00", "Rencontre des acteurs de la formation", "Ancenis",
     ["Besoins en compétences des entreprises"]),
    ("campus", "cotech", "2021-09-23", "14:00", "Comité technique Campus de proximité", "Châteaubriant",
     ["Charte des CAMPUS de proximité", "Calendrier du rapport d'étape"]),
    ("hydrogene", "cotech", "2021-09-24", "10:00", "Comité technique Mobilités décarbonées – H2", "Redon",
     ["Présentation de la SAS MHOOVE", "Stations de distribution en territoire peu dense"]),
    ("habiter", "seminaire", "2021-11-05", "09:30", "Premier séminaire de l'Habiter", "Redon",
     ["Ressources et expériences des EPCI", "Structure de la charte"]),
    ("dechets", "groupe", "2021-11-19", "14:00", "Temps fort Déchets et TGAP", "Redon",
     ["Évolution de la TGAP", "Tri à la source à partir de 2024"]),
    ("eau", "groupe", "2021-10-15", "14:00", "Présentation de la révision du SDAGE par l'EPTB Vilaine", "Redon",
     ["Révision du SDAGE", "Potentialités d'action pour 2022"]),
    ("tourisme", "groupe", "2021-10-22", "14:00", "Lancement du groupe Tourisme", "Questembert",
     ["Tour de table des projets touristiques", "Stratégies régionales"]),
]  # fmt: skip

# Upcoming meetings so that the demo dashboard is not empty: days from the seed date.
UPCOMING = [
    ("hydrogene", "cotech", 9, "10:00", "Comité technique H2 – stations de distribution", "Redon",
     ["Cartographie des stations", "Point d'étape SAS MHOOVE"]),
    ("campus", "cotech", 14, "14:00", "Comité technique Campus – suivi de la charte", "Ploërmel",
     ["Relecture de la charte", "Calendrier 2026"]),
    ("habiter", "seminaire", 21, "09:30", "Séminaire de l'Habiter", "Bouvron", ["Pistes d'actions"]),
    ("eau", "groupe", 28, "14:00", "Groupe Eau – suites du SDAGE", "Visioconférence", ["Retour de l'EPTB Vilaine"]),
]  # fmt: skip

# News drawn from the report: group slug (None: association-wide), date, title, summary
NEWS = [
    (None, "2021-01-04", "Vanessa Poteau rejoint l'AILB comme cheffe de projet",
     "Recrutée après le jury du 23 novembre, la cheffe de projet a pris ses fonctions le 1er janvier 2021 à "
     "Odysseo, l'espace de coworking de Redon."),
    (None, "2021-05-31", "Assemblée générale du 28 mai : cinq sujets stratégiques retenus",
     "Habiter les territoires ruraux, déchets, tourisme, eau et énergies renouvelables : les élus ont priorisé "
     "les sujets de travail collectif après les journées d'immersion dans les 13 EPCI."),
    ("hydrogene", "2021-03-30", "Constitution de la SAS MHOOVE",
     "La société, présidée par Jean-François Mary, portera la production et la distribution d'hydrogène vert "
     "pour des mobilités alternatives aux produits pétroliers."),
    ("campus", "2021-03-15", "Visite du CAMPUS ESPRIT Industries le 12 mars",
     "Les territoires d'industries d'Ancenis, de Châteaubriant-Derval et de Ploërmel ont découvert un campus "
     "passé de 47 à 360 étudiants-alternants entre 2014 et 2020."),
    ("habiter", "2021-06-30", "Vers une charte de l'Habiter en territoires intermétropolitains",
     "Trois à quatre séminaires sont prévus de l'automne 2021 au printemps 2022, suivis d'un colloque."),
    ("dechets", "2021-07-05", "TGAP : un temps fort en novembre avec les Régions",
     "La hausse de la TGAP va peser sur le coût de traitement des déchets ; les deux Régions construisent le "
     "contenu de la demi-journée avec l'AILB."),
    ("eau", "2021-07-06", "Révision du SDAGE : rendez-vous avec l'EPTB Vilaine",
     "L'EPTB Vilaine présentera aux EPCI du périmètre la révision du schéma directeur d'aménagement et de "
     "gestion des eaux."),
    ("tourisme", "2021-07-07", "Un groupe de travail Tourisme à partir de l'automne",
     "Partage d'expériences et visites de terrain pour identifier les clés de réussite des projets touristiques."),
]  # fmt: skip

# Financial partners and their conventions (report p. 22).
FINANCIAL_PARTNERS = [
    ("Région Bretagne", "region", "https://www.bretagne.bzh", "2019-12-20", "2022-12-20", Decimal("50000.00")),
    ("Région Pays de la Loire", "region", "https://www.paysdelaloire.fr", "2020-10-09", "2021-10-09",
     Decimal("36766.76")),
    ("Département d'Ille-et-Vilaine", "departement", "https://www.ille-et-vilaine.fr", None, None,
     Decimal("15000.00")),
    ("Département de Loire-Atlantique", "departement", "https://www.loire-atlantique.fr", "2020-03-26",
     "2023-03-26", Decimal("30587.00")),
    ("Département du Morbihan", "departement", "https://www.morbihan.fr", None, None, None),
]  # fmt: skip

# LEADER contacts (report p. 23): EPCI short names covered, carrying structure, animateur.
LEADER_CONTACTS = [
    (["Muzillac", "Questembert"], "Communauté d'agglomération de Vannes et du golfe du Morbihan",
     "Nina", "Trallero"),
    (["Bain-de-Bretagne", "Guichen / Guipry-Messac"], "Pays des Vallons de Vilaine", "Nolwenn", "Colson"),
    (["Plélan-le-Grand"], "Pays de Brocéliande", "Bertrand", "Duarte"),
    (["Châteaubriant-Derval"], "GAL du Pays de Châteaubriant", "Nolwenn", "Diler"),
    (["Pontchâteau"], "GAL du Pays de Pontchâteau Saint-Gildas-des-Bois", "Sophie", "Feyvry"),
    (["Blain", "Nozay"], "CEL Erdre et Loire", "Nicolas", "Plateau"),
    (["Redon"], "Redon Agglomération", "Simon", "Le Roy"),
]  # fmt: skip

DEMO_PASSWORD = "ailb-demo-2021"  # noqa: S105 - documented local demo password
ADMIN_USERNAME = "admin"

# Documents of the demo libraries, from the report's text: group slug, title, filename, tags, Markdown.
DOCUMENTS = [
    ("habiter", "Habiter : un séminaire pour une ambition", "habiter-seminaire.md", ["séminaire", "charte"],
     "# Habiter, un séminaire pour une ambition\n\nLe sujet « Vivre et habiter les territoires ruraux » sera "
     "traité sous un format séminaire. Cette réflexion collective vise à déterminer ce que peut être une politique "
     "de l'habitat dans les EPCI des territoires intermétropolitains, en partant de leurs ressources, de leurs "
     "expériences et de leurs interrogations.\n\nDe l'automne 2021 au printemps 2022, trois à quatre séminaires "
     "aboutiront à la rédaction d'une charte de « l'Habiter en territoires intermétropolitains ». Au printemps "
     "2022, un colloque sera organisé pour les partenaires et parties prenantes.\n"),
    ("dechets", "Déchets : hausse de la TGAP et tri à la source", "dechets-tgap.md", ["TGAP", "réglementation"],
     "# Déchets\n\nLa loi de transition énergétique généralise le tri des déchets à la source à partir de 2025, "
     "obligation avancée à 2024 par une réglementation européenne. L'État augmente progressivement la TGAP pour "
     "dissuader la mise en décharge des ordures ménagères : le coût de traitement des déchets augmentera fortement "
     "pour les collectivités et les syndicats de traitement.\n\nUn temps fort d'une demi-journée est proposé en "
     "novembre, construit avec les deux Régions qui ont la compétence.\n"),
    ("eau", "Eau : révision du SDAGE avec l'EPTB Vilaine", "eau-sdage.md", ["SDAGE", "EPTB Vilaine"],
     "# Eau\n\nLa gestion de l'eau reste un sujet d'inquiétude pour les élus : ressource en qualité et en "
     "quantité, gestion des milieux aquatiques et prévention des inondations (GEMAPI), assainissement. Les membres "
     "de l'AILB travaillent avec l'EPTB Vilaine pour proposer aux EPCI un temps de prise de connaissance sur la "
     "révision du schéma directeur d'aménagement et de gestion des eaux.\n"),
    ("tourisme", "Tourisme : vers une cartographie des stratégies", "tourisme-cartographie.md",
     ["cartographie", "Vilaine"],
     "# Tourisme\n\nLes élus considèrent le tourisme comme un facteur d'attractivité et de développement. Le "
     "groupe de travail partagera les projets touristiques des territoires (bassin fluvial Vilaine, Oust, canal) "
     "et consolidera une cartographie des stratégies et des projets touristiques.\n"),
    ("hydrogene", "Note confidentielle : SAS MHOOVE et stations hydrogène", "mhoove-note.md",
     ["MHOOVE", "confidentiel"],
     "# SAS MHOOVE\n\nConstituée en mars 2021, la SAS MHOOVE rassemble un pool de compétences managériales, "
     "techniques et financières pour la production et la distribution d'énergies renouvelables, notamment "
     "l'hydrogène vert produit par électrolyse. Elle est installée zone d'activités de Briangaud, à Redon.\n\n"
     "Document réservé aux membres du groupe (partenaires industriels).\n"),
    ("campus", "Campus de proximité : le modèle CAMPUS ESPRIT Industries", "campus-esprit.md",
     ["alternance", "charte"],
     "# Campus de proximité\n\nOuvert à Redon en 2014, le CAMPUS ESPRIT Industries propose des formations "
     "supérieures en alternance (BAC+3 à BAC+5). Ses effectifs sont passés de 47 à 360 étudiants-alternants entre "
     "2014 et 2020. Les territoires d'industries de l'AILB (Redon, Ancenis, Châteaubriant-Derval, Ploërmel) "
     "préparent une « Charte des CAMPUS de proximité ».\n"),
]  # fmt: skip
