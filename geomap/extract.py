"""Code what articles report: place names, actors, equipment, and the facilities and
supplier→recipient relationships each sentence states, with exact evidence.

The coder works sentence by sentence, in the manner of dictionary-based event coders
(PETRARCH/TABARI): it finds the actors a sentence names (countries, demonyms, capitals,
organisations, equipment of known origin), the relationship triggers and status cues it
uses, assigns supplier and recipient roles from cues around each actor, and keeps the
sentence as evidence. A second pass fills in what a sentence leaves to its article (the
supplier of "the agreement", the status of a deal's parts).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from .dictionaries import STATUS_ORDER, Actor, Dictionaries, PrefixIndex, load_dictionaries
from .geocode.gazetteer import km
from .geoparse import Candidate, Geoparser
from .model import Article, Evidence, Toponym
from .text import Sentence, split_sentences

__all__ = ["ReportedRelation", "ReportedFacility", "ArticleReading", "read_article", "Extractor", "FACILITY_RELATION"]

_RECIPIENT_PREPS = re.compile(
    r"(?:\b(?:in|to|for|into|across|throughout|off(?: the)?(?: coast of)?|like|such as|including|"
    r"e\.g\.,?|on|against|at|en|(?<!\be )(?-i:a)|para|hacia|no|na|em)\s+(?:the\s+)?(?:\w+\s+){0,1})$", re.I)
_SUPPLIER_PREPS = re.compile(r"\b(?:from|by|de|desde|por|pela|pelo|da|do|das|dos|del)\s+(?:the\s+)?$", re.I)
# "bought from X", "compró a X": the buyer verb's source is the supplier.
_BOUGHT_FROM = re.compile(
    r"\b(?:bought|buys|buy|purchased|purchases|acquired|acquires|ordered|orders|imported|imports|procured|received|"
    r"encomend(?:a|ou|aram|am)|encarg(?:a|[oó]|aron|an)|"
    r"compr(?:[oó]|aron|a|an|ou|aram|ad[oa]s?)|adquiri(?:[oó]|eron|u|ram|d[oa]s?)|recibi[oó]|recebeu|recebid[oa]s|recibid[oa]s)\s+"
    r"(?:[\w$.,-]+\s+){0,8}?(?:from|a|al|de|à|ao|da|do|das|dos|del|junto a)\s+(?:the\s+|la\s+|el\s+|o\s+)?(?:\w+\s+){0,2}$", re.I)
# "cazas F-16 procedentes de Dinamarca", "blindados oriundos da China": where the goods come from
_COMING_FROM = re.compile(r"\b(?:procedentes?|provenientes?|oriund[oa]s?|vind[oa]s?)\s+(?:de|del|da|do|das|dos)\s+(?:la\s+|el\s+|a\s+|o\s+)?$", re.I)
# "the contract, signed in 2022, for 42 aircraft": what a deal is for
_FOR_AFTER_DEAL = re.compile(r"(?:[\s,]+[\w'’-]+){0,6}?[\s,]+(?:for|para)\s+(?:(?:\d[\d,.]*|an?|one|two|three|four|five|six|"
                             r"seven|eight|nine|ten|twelve|several|additional|more|new|un|una|dos|tres|cuatro|seis|"
                             r"um|uma|duas|tr[eê]s|quatro)\s+)?", re.I)
# "Venezuela still depends on Russia for spares": the country depended on supplies
_DEPENDS_ON = re.compile(r"\b(?:depend(?:s|ed|ing|ent)?|reli(?:es|ed|ant)|rely(?:ing)?)\s+(?:heavily\s+|entirely\s+|largely\s+)?on\s+"
                         r"(?:the\s+)?$|\b(?:depend(?:e|en|ía|ían|iendo|ente|entes|eu|em))\s+(?:\w+\s+)?(?:de|da|do|del)\s+$", re.I)
# "the Alliance of Sahel States", "Partnership for Peace": a capitalised alliance is a body's name
_NAMED_BODY = re.compile(r"Alliance|Partnership|Alianza|Alian[cç]a|Parceria")
# "the Korean contract", "the Russian offer": a major exporter's adjective on a deal names the vendor
_DEAL_AFTER = re.compile(r"\s+(?:contracts?|deals?|offers?|bids?|proposals?|contratos?|ofertas?|propuestas?|propostas?)\b", re.I)
_INSTITUTION_BEFORE = re.compile(r"\b(?:academias?|escuelas?|escolas?|centros?|colegios?|institutos?)\s+$", re.I)
# "in the capital", "en la capital", "na capital": the country's capital, unless a name or an
# adjective follows ("the capital, Vientiane" names it; "na capital gaúcha" is a state's capital)
_IN_THE_CAPITAL = re.compile(
    r"\b(?:(?:in|at|near) the (?:country's |nation's |[A-Z]\w+ )?|(?:en|cerca de) la |(?:na|perto da) )capital"
    r"(?=\s*(?:[.,;:)]|$)|\s+(?:of|that|which|where|and|for|de|del|do|da|que|donde|onde|y|e|para)\b)(?!,? [A-Z])")
_AREA_OF = re.compile(r"\b(?:state|province|region|department|county|governorate|estado|provincia|prov[ií]ncia|"
                      r"regi[oó]n|regi[aã]o|departamento)\s+(?:of|de|do|da|del)\s+$", re.I)
_THE_COMPANY = re.compile(r"\b(?:the (?:company|firm|manufacturer|group|contractor)|la (?:empresa|compa[nñ][ií]a|firma|fabricante)|"
                          r"a (?:empresa|companhia|fabricante))\b(?!\s+(?:of|de|do|da)\b)", re.I)
_REJECTED_BEFORE = re.compile(r"\b(?:over|instead of|rather than|en lugar de|en vez de|em vez de|ao inv[eé]s de|"
                              r"(?:to )?replac(?:e|es|ed|ing)|(?:para )?(?:substituir|reemplazar|sustituir)|"
                              r"(?:to )?retir(?:e|es|ed|ing))\s+"
                              r"(?:the\s+|el\s+|la\s+|los\s+|las\s+|o\s+|a\s+|os\s+|as\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)
# "along the border with Colombia": a neighbour named for where, not a party
_BORDER_BEFORE = re.compile(r"\b(?:border|borders|frontier|frontera|fronteira|limite|l[ií]mites)\s+(?:with|con|com)\s+(?:the\s+)?$", re.I)
# Where work was done, up to the country that follows: "built in China", "assembled at the
# plant in Donauwörth, Germany" (the maker's works), "overhauled at the 558th Aircraft Repair
# Plant in Baranovichi, Belarus" (the repairer's).
_WORKS_AT = r"\s+(?:[\w'’-]+\s+){0,6}?(?:in|at|en|em|na|no)\s+(?:the\s+|la\s+|el\s+|a\s+|o\s+)?(?:[\w'’-]+,?\s+){0,3}?$"
# "built in China", "construidas en China", "fabricados na Coreia do Sul"
_MADE_IN = re.compile(r"\b(?:built|made|produced|manufactured|assembled|constructed|constru[ií]d[oa]s?|fabricad[oa]s?|"
                      r"producid[oa]s?|produzid[oa]s?|ensamblad[oa]s?|montad[oa]s?|fabric(?:[oó]|ou|aron|aram)|"
                      r"constru(?:y[oó]|iu|yeron|[ií]ram)|produ(?:jo|ziu|jeron|ziram)|ensambl(?:[oó]|aron))" + _WORKS_AT, re.I)
_REPAIRED_IN = re.compile(r"\b(?:overhauled|repaired|serviced|refurbished|upgraded|modernised|modernized|reparad[oa]s?|"
                          r"modernizad[oa]s?)" + _WORKS_AT, re.I)
# "under U.S. pressure", "despite Chinese objections": a country that takes no part in the deal
_NO_PART_AFTER = re.compile(r"(?:['’]s)?\s+(?:pressure|objections?|opposition|protests?|criticism|warnings?)\b"
                            r"|\s+(?:(?:has|had|have)\s+)?(?:played|plays|play|had|has|took|takes)\s+no\s+(?:part|role)\b"
                            r"|\s+(?:no|não)\s+(?:particip|tuvo\s+(?:ningún\s+)?papel|teve\s+(?:nenhum\s+)?papel)", re.I)
_DEAL_WITH = re.compile(r"\b(?:deals?|agreements?|contracts?|accords?|pacts?|memorand(?:um|a)|MoUs?)\s+with\s+(?:the\s+)?$", re.I)
# "drones for use against Ukraine": an adversary, not a recipient (sanctions "against" a country aside)
_AGAINST_BEFORE = re.compile(r"\b(?:against|contra)\s+(?:the\s+)?$", re.I)
# "fearing US sanctions", "under the threat of sanctions": sanctions feared, not imposed
_FEARED_BEFORE = re.compile(
    r"\b(?:fear(?:s|ed|ing)?|for fear of|threat(?:s|ened)? of|risk(?:s|ed|ing)?(?: of)?|(?:to )?avoid(?:ing)?|wary of|"
    r"exposure to|(?:could|would|might|may) (?:face|trigger|draw|incur)|temor a|miedo a|riesgo de|amenaza de|evitar|"
    r"medo de|risco de|amea[cç]a de)\s+(?:[\w.-]+\s+){0,3}$", re.I)
# "previously operated by India": a former owner, not a party to the deal reported
_FORMER_OWNER_BEFORE = re.compile(r"\b(?:previously|formerly|once|originally)\s+(?:operated|flown|used|owned)\s+by\s+(?:the\s+)?$", re.I)
# "Slovenia and the Netherlands", "al Reino Unido y a Australia", "from France and from Spain"
_AND_GAP = re.compile(r"\s*(?:and|y|e)(?:\s+(?:the|a|al|à|ao|from|to|de|da|do|del))?\s*", re.I)
_ADJECTIVE_SLOT = re.compile(r"\b(?:of|the|its|their|a|an|newly|recently)\s+$", re.I)
_POSSESSIVE_GAP = re.compile(r"['’]s?\s+")
# "the peace agreement initialled in Washington": a capital where something was signed or held
_VENUE_BEFORE = re.compile(r"\b(?:signed|initial(?:l)?ed|inked|concluded|held|hosted|convened|staged|exhibited|displayed|"
                           r"meeting|met|gathered|took place|tuvo lugar|teve lugar|"
                           r"firmad[oa]s?|assinad[oa]s?|celebrad[oa]s?|realizad[oa]s?)\s+(?:[\w-]+\s+){0,3}?(?:in|en|em|at)\s+$", re.I)
# "during a visit to Moscow by Sudan's foreign minister": where talks were held, not who supplies
_VISIT = re.compile(r"\b(?:during|on|after|in|for|durante|en|em|tras|ap[oó]s)\s+(?:a|an|his|her|their|its|the|una|uma|la|a|su|sua)\s+"
                    r"(?:[\w-]+\s+){0,2}?(?:visit|trip|tour|stopover|visita|viaje|viagem)\s+(?:to|a|al|à|ao|en|em)\s+[^,;.]{0,80}",
                    re.I)
# "flown out via the Gulf and India": a route, not a party
_ROUTE = re.compile(r"\b(?:flown|flew|fly|flies|ferried|sailed|shipped|routed|transited|travell?ed|volaron|vol[oó]|voaram|voou)"
                    r"\s+(?:[\w-]+\s+){0,3}?(?:via|through|over|por|pela|pelo)\s+(?:the\s+)?[\w-]+(?:\s+[A-Z][\w-]+)?"
                    r"(?:\s+(?:and|y|e)\s+(?:the\s+)?[\w-]+(?:\s+[A-Z][\w-]+)?)?")
# "la capital española", "the Russian capital": a city, not its country's part in a deal
_CAPITAL_BEFORE = re.compile(r"\bcapital\s+$", re.I)
_CAPITAL_AFTER = re.compile(r"\s+capital\b")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
# "at the DIMDEX naval exhibition in Doha", "at the Farnborough Airshow": where a deal was shown
_EVENT_VENUE = re.compile(
    r"\b(?:exhibitions?|shows?|airshows?|fairs?|expos?|summits?|conferences?|forums?|dialogues?|ferias?|"
    r"exposici[oó]n|cumbres?|feiras?|exposi[cç][aã]o|c[uú]pulas?)\s+(?:in|at|en|em|de|do|da)\s+[^,;.()]{0,40}"
    r"|\b[A-Z][\w-]+(?:\s+International)?(?:\s+Air)?\s+(?:Show|Airshow|Expo)\b")
# "at the event, attended by Egyptian ministers and Korea's DAPA officials": guests take no part
_ATTENDED_BY = re.compile(r"\b(?:attended by|in the presence of|en presencia de|con la presencia de|na presença de|"
                          r"com a presença de)\s+[^;.]{0,160}", re.I)
# "flown in aboard an Antonov An-124": the aircraft that carried the goods, not the goods
_CARRIER_BEFORE = re.compile(r"\b(?:aboard|on board|onboard|a bordo de|carried by|flown in by|transported by)\s+"
                             r"(?:an?\s+|the\s+|un\s+|una\s+|um\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)
_LISTED_FROM = re.compile(r"\bfrom\s+(?:the\s+)?(?:[\w'’-]+,?\s+){0,2}(?:and\s+)?$", re.I)
# "el Gobierno de Uruguay", "o Exército do Brasil": "de" of a state's own institution is "of"
_STATE_OF = re.compile(r"\b(?:gobierno|governo|ministerio|minist[eé]rio|armada|marinha|ej[eé]rcito|ex[eé]rcito|"
                       r"presidente|presidencia|presid[eê]ncia|fuerza a[eé]rea|for[cç]a a[eé]rea|congreso|congresso|"
                       r"canciller|chanceler)\s+(?:de|del|do|da)\s+(?:la\s+|el\s+|o\s+|a\s+)?$", re.I)
# "al Servicio Nacional de Guardacostas (SNG) de Costa Rica", "to the Armed Forces of the Philippines":
# the country of a named body something goes to is the recipient, whatever "de" says elsewhere.
_TO_INSTITUTION_OF = re.compile(
    r"\b(?:[Aa]l|[Aa] la|[Aa] los|[Aa] las|à|ao|aos|às|[Tt]o the|[Ff]or the|[Pp]ara (?:el|la|los|las|o|a|os|as))\s+"
    r"(?:[A-ZÁÉÍÓÚ][\w-]*\s+(?:(?:de|del|da|do|dos|das|of|y|e|and)\s+(?:la\s+|las\s+|los\s+|the\s+|a\s+|o\s+)?)?){1,6}"
    r"(?:\([A-Z]{2,8}\)\s+)?(?:de|del|do|da|of)\s+(?:the\s+|la\s+|el\s+)?$")
# A capitalised word of a name, no article, just before: "Armada Española", "Marinha Portuguesa"
_NAME_WORD_BEFORE = re.compile(r"(?<![\w-])(?!(?:La|El|Los|Las|Lo|A|O|As|Os|Da|Do|De|Del)\s)[A-ZÁÉÍÓÚÂÊÔÇÑ][\w-]+\s+$")
_NAME_WORD_AFTER = re.compile(r"\s+[A-ZÁÉÍÓÚ]")  # "South China Sea" goes on: a name of its own
_WITH_BEFORE = re.compile(r"\b(?:with|con|com)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
_ALONGSIDE = re.compile(r"\b(?:with|alongside|con|com|junto a)\s+(?:the\s+|las?\s+|los\s+|as?\s+|os\s+)?$", re.I)
# "Thailand's oldest treaty ally, the United States, …": a possessive phrase set before its subject
_APPOSED = re.compile(r"['’]s?\s+(?:[\w-]+\s+){0,3}[\w-]+,\s+(?:the\s+)?")
_POSSESSIVE_GOODS = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:weapons|arms|armou?r|hardware|equipment|arsenal|fleet|inventory)\b", re.I)
# "the United States, which delivered ...": a relative clause that makes its antecedent the supplier.
_WHICH_SUPPLIED = re.compile(
    r"['’]?s?,?\s+(?:which|that|who|que)\s+(?:has\s+|had\s+|have\s+)?(?:also\s+|already\s+)?"
    r"(?:delivered|supplied|sold|built|provided|donated|trained|entreg[oó]|vendi[oó]|suministr[oó]|entregou|vendeu)\b", re.I)
# The host's own base or plant named as a place ("the air force's maintenance base").
_OWN_FACILITY = re.compile(r"\b(?:the\s+)?(?:air force|army|navy|military|armed forces|coast guard)['’]s\s+(?:[\w-]+\s+){0,2}$", re.I)
# Upkeep as something a fact affects ("complicates maintenance"), not a service anyone provides.
_UPKEEP_AFFECTED = re.compile(r"\b(?:complicat|eas|simplif|hamper|burden|strain|hinder|cut|reduc)\w*\s+(?:\w+\s+){0,2}$", re.I)
# "The air force also flies Turkish-made drones": a force named by no country is the host's own.
_HOSTS_OWN_FORCE = re.compile(r"(?<![\w'’])(?:[Tt]he|[Ii]ts|[Tt]heir) (?:country's )?(?:air force|army|navy|armed forces|military|coast guard)\b"
                              r"(?! of\b)")
# "British officers teach alongside Ghanaian staff": people who teach are the trainers.
_TEACHING_AFTER = re.compile(r"(?:['’]s)?\s*(?:[\w-]+\s+){1,3}?(?:also\s+|now\s+)?(?:teach(?:es)?|taught|instructs?|mentors?|"
                             r"coach(?:es)?|ense[nñ]an?|ensinam?)\b", re.I)
# A sentence's opening phrase before its subject ("Besides the training, …", "Además del entrenamiento, ").
_OPENING_PHRASE = re.compile(r"[^,;:\n]{1,60},\s*(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+)?", re.I)
# "in the country": the article's host.
_THE_COUNTRY = re.compile(r"\b(?:in|to) the country\b|\ben el pa[ií]s\b|\bno pa[ií]s\b", re.I)
# A maintenance word that describes a course ("maintenance training") is training, not maintenance.
_NOT_TEACHING = re.compile(r"\s+(?:flights?|sorties|rounds|ammunition|aircraft|jets?)\b", re.I)
_OPERATE_AND = re.compile(r"\b(?:operate|operation|operating|use|fly|handle|operar|operaci[oó]n|opera[cç][aã]o|uso)\s+"
                          r"(?:and|y|e)\s+(?:to\s+|in\s+|da\s+|de\s+|la\s+|a\s+)?$", re.I)
_COURSE_AFTER = re.compile(r"\s+(?:training|courses?|instruction|curso|cursos|capacitaci[oó]n|treinamento)\b", re.I)
_ORIGIN_ADJECTIVE = re.compile(r"\w+-(?:made|built|supplied|designed|manufactured)\b", re.I)
_COUNTERPART_WITH = re.compile(
    r"\b(?:cooperation|agreements?|deals?|accords?|partnership|pacts?|ties|relations|contracts?|exercises?|drills|"
    r"negotiat(?:es|ed|ing)|talks|negoci(?:a|an|ando|ou|am)|conversaciones|"
    r"cooperaci[oó]n|acuerdos?|convenios?|coopera[cç][aã]o|acordos?|parceria|alianza)\s+(?:\w+\s+){0,2}?"
    r"(?:with|con|com)\s+(?:the\s+)?$", re.I)
_RECIPIENT_BREAK = re.compile(
    r";|—|\bwhile\b|\bwhereas\b|\bbut\b|,?\s(?:after|because|since|following|amid|although|though|the latter|"
    r"mientras|pero|tras|porque|aunque|enquanto|mas|porque)\b", re.I)
# "JAKARTA, April 9, 2026 (Reuters) - ", "SEOUL, Nov. 19 (Yonhap) -- ", "DAKAR, 3 mars — "
_DATELINE = re.compile(r"[A-ZÁÉÍÓÚÑÇÃÕ][A-ZÁÉÍÓÚÑÇÃÕ .'-]+,[^—–\n]{0,60}?\s(?:[—–]|--?)\s")
_TITLE_WORD = re.compile(r"\s+(?:Act|Law|Regulations?|Programme|Program)\b")  # "Sanctions Act": a name
_RECEIVING = re.compile(
    r"\b(?:were|was|are|is|been|being|be) trained\b|\b(?:have|has|had) (?:also )?trained (?:at|in|with)\b|\btraining (?:on|in|at|with|alongside)\b|\btrain (?:with|alongside)\b|\b(?:completed|attend|attends|attending|attended|received|receive|receiving|underwent|"
    r"graduated|took part|participate[sd]?|conclu(?:[ií]ram|iu|yeron|y[oó])|complet(?:a|an|aron|ar[aá]n|[oó])|"
    r"se form(?:an|ar[aá]n?|aron|[oó])|ser[aã]o formad[oa]s|forma(?:m|r|ram|va)?-se|"
    r"(?:fue|fueron|foi|foram|ser[aá]n?|sido|s[aã]o|son|eram|eran) (?:\w+ )?(?:formad|capacitad|entrenad|treinad|instruid)[oa]s?|"
    r"(?:began|begun|begin|begins|started|starts|start|inici(?:ou|aram|[oó]|aron|a|an|am|ar[aá]n?)|"
    r"comen[cz](?:[oó]|aron|ou|aram|ar[aá]n?)|comienzan?|come[cç](?:ou|aram|am|ar[aã]o))"
    r" (?:[\w-]+ ){0,3}?(?:training|(?:a |the |its |their )?course|(?:o |el |um |un |a |la |su |sus |seu |sua )?(?:curso|treinamento|forma[cç][aã]o|entrenamiento|formaci[oó]n|capacitaci[oó]n|instrucci[oó]n))|"
    r"pas(?:aron|an|sa(?:m|ram)?|sou) (?:[\w-]+ ){0,2}?por (?:um |una? |o |el |la |a )?(?:treinamento|forma[cç][aã]o|curso|capacita[cç][aã]o|entrenamiento|formaci[oó]n|capacitaci[oó]n)|"
    r"recib(?:ir|en|ieron|i[oó])|particip(?:an|aron|a)|receb(?:er|em|eram|eu)|"
    r"fueron entrenados|foram treinados|ser[aá]n? (?:capacitad|entrenad|adiestrad)[oa]s?|ser[aã]o? treinad[oa]s?|study|studies|studied|studying|enrolled|estudi(?:an|aron)|cursan|cursaron|estudam|estudaram|"
    r"frequent(?:am|aram|ou|a)|asist(?:en|ieron|i[oó]|e)|viajar(?:[aá]n|ão)|travel(?:led|ed)? to|"
    r"spen[dt]s? (?:[\w-]+ ){0,3}(?:months?|weeks?|years?|days?)|pas(?:aron|an|sa(?:m|ram)?|sou) (?:[\w-]+ ){0,2}(?:meses|semanas|a[nñ]os))\b",
    re.I)
# A noun before a Spanish/Portuguese demonym: group 1 when it names people who may be trainees,
# group 2 when it names equipment (made by the country if that is an exporter).
_NOUN_BEFORE = re.compile(
    r"\b(?:(pilotos|militares|oficiales|oficiais|soldados|marineros|marinheiros|tripulaciones|tripula[cç][oõ]es|"
    r"mec[aá]nicos|t[eé]cnicos|ingenieros|engenheiros|cadetes|marinos|alumnos|alunos|estudiantes|estudantes|reclutas|"
    r"recrutas)|empresas?|compa[nñ][ií]as?|firmas?|fabricantes?|"
    r"instructores|instrutores|asesores|assessores|especialistas|tropas|fuerzas|for[cç]as|contratistas|mercenarios|"
    r"astilleros?|estaleiros?|constructoras?|construtoras?|grupos?|conglomerados?|presencia|presen[cç]a|contingentes?|"
    r"(buques|navios|aviones|avi[oõ]es|helic[oó]pteros|repuestos|pe[cç]as|blindados|drones|cazas|ca[cç]as|"
    r"equipamiento|equipamento|material|armamento|armas|fragatas|corbetas|corvetas|patrulleros|submarinos|"
    r"misiles|m[ií]sseis|radares|veh[ií]culos|ve[ií]culos))\s+(?:\w+\s+)?$", re.I)
_SUPPLY_VERB = re.compile(
    r"(?:sold|sells|supplied|supplies|supply|delivered|delivers|handed over|donated|donates|gave|gifted|transferred|exported|"
    r"provided|entreg(?:[oó]|aron|ou|aram)|vendi[oó]|vendeu|don[oó]|donaron|doou|doaram|suministr[oó]|forneceu)\b", re.I)
# "The Portuguese Air Force sent two C-295s to Cape Verde": who sends a force abroad is its owner,
# whoever made the aircraft (unless what it sends is people to be trained elsewhere).
_SENDS_AFTER = re.compile(r"\s+(?:(?:has|have|had|also|ha|han|tem|t[eê]m)\s+){0,2}(?:sent|sends|dispatched|dispatches|deployed|"
                          r"deploys|envi[oó]|enviado|enviaron|enviou|enviaram|despleg[oó]|desplegado|desplegaron|destacou|"
                          r"destacaram)\b", re.I)
_WHOSE_SUPPLIERS = re.compile(r"['’]s?\s+(?:[\w-]+\s+){0,2}?(?:suppliers?|providers?|sellers?|vendors?)\b", re.I)
# "Lockheed Martin's F-16 Block 70 had been the main rival", "the US aircraft was rejected": who lost
_LOST_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:(?!(?:that|which|who)\b)[\w'’-]+\s+){0,5}?(?:had been|has been|have been|was|were|is|are|became) "
    r"(?:the |a |an )?(?:main |chief |closest |only |other |last )?(?:rival|competitor|runner-up|contender|loser)s?\b|"
    r"(?:['’]s)?\s+(?:(?!(?:that|which|who)\b)[\w'’-]+\s+){0,3}?(?:(?:was|were|had been|has been) (?:rejected|"
    r"eliminated|dropped|passed over|turned down|ruled out)|lost (?:out|the (?:contest|competition|tender)))\b", re.I)
# "capacitará a unos 40 operadores y", "formar os": the people a training verb takes as its object
_TRAINING_OBJECT = re.compile(r"\b(?:capacit|entren|adiestr|trein|instru[iy]|form)[a-záéíóúãõç]*\s+"
                              r"(?:a|al|à|às|aos|as|os|los|las|a los|a las)\s+(?:[\w-]+\s+){0,6}$", re.I)
_LOST_WORD = re.compile(r"\b(?:rival|competi|runner-up|contender|loser|rejected|eliminated|dropped|passed over|"
                        r"turned down|ruled out|lost|concorrent)", re.I)
# "competitors such as the Turkish Hürjet", "concorrentes como o chinês K-8": named as rivals, no party
_RIVALS_BEFORE = re.compile(r"\b(?:competitors?|rivals?|rivales|concorrentes?|competidores?)\s+(?:such as|like|including|"
                            r"como|incluindo|incluyendo)\s+(?:[\w'’,-]+\s+){0,6}$", re.I)
# "ratified by the Greek parliament", "aprobado por el Congreso": who approves or comments supplies nothing
_REVIEWED_BY = re.compile(
    r"\b(?:ratified|approved|endorsed|debated|critici[sz]ed|welcomed|questioned|reported|announced|confirmed|"
    r"described|praised|condemned|investigated|challenged|blocked|vetoed|ratificad[oa]s?|aprobad[oa]s?|aprovad[oa]s?|"
    r"criticad[oa]s?|anunciad[oa]s?|confirmad[oa]s?|vetad[oa]s?|bloquead[oa]s?)\s+(?:[\w-]+\s+)?"
    r"(?:by|por|pela|pelo)\s+(?:the\s+|el\s+|la\s+|los\s+|las\s+|o\s+|a\s+|os\s+|as\s+)?$", re.I)
# "ordered by Armenia", "adquiridos por Chile": the passive's agent is the buyer.
_BOUGHT_BY = re.compile(
    r"\b(?<!previously )(?<!formerly )(?:ordered|bought|purchased|acquired|procured|imported|received|operated|flown|used)"
    r"\s+by\s+(?:the\s+)?$|"
    r"\bexport orders?\s+from\s+(?:the\s+)?$|"
    r"\b(?:comprad|adquirid|encargad|encomendad|operad)[oa]s?\s+(?:por|pela|pelo)\s+(?:el\s+|la\s+|o\s+|a\s+)?$", re.I)
# "Armenia has also turned to France", "turning instead to Moscow": the country turned to supplies.
_TURNED_TO = re.compile(r"\bturn(?:s|ed|ing)?\s+(?:\w+\s+)?to\s+(?:the\s+)?$|\brecurri(?:[oó]|eron)\s+a\s+$|"
                        r"\brecorr(?:eu|eram)\s+(?:a|à)\s+$", re.I)
_NEW_CLAUSE = re.compile(r"\b(?:after|before|when|because|since|while|although|though|whereas|until)\b", re.I)
_ATTRIBUTION = re.compile(r"\b(?:according to|seg[uú]n|segundo|citing)\s+(?:the\s+)?(?:\w+\s+)?$|"
                          r"\b(?:officials|sources|diplomats|analysts|observers|executives|fuentes|funcion[aá]rios)\s+"
                          r"(?:in|en|em)\s+(?:the\s+)?$", re.I)  # "officials in Seoul said": who speaks, not a recipient
_TRAINEES_FROM = re.compile(
    r"\b(?:officers|pilots|soldiers|personnel|students|cadets|trainees|crews|technicians|troops|police|policemen|"
    r"oficiales|pilotos|soldados|estudiantes|alumnos|cadetes|militares|oficiais|alunos)\s+(?:[\w-]+\s+){0,2}"
    r"(?:from|de|da|do|del)\s+(?:the\s+|la\s+|el\s+|o\s+)?$", re.I)
# "the station that China operates"; "Robins Air Force Base, which overhauls ...": a relative
# clause tells of something else than the clause it hangs on
_RELATIVE_BEFORE = re.compile(r"\b(?:que|which|that|who|where|donde|onde)\s+$", re.I)
_RUNS_AFTER = re.compile(
    r"\s+(?:has\s+|had\s+|ha\s+)?(?:opera|operates|operated|runs|ran|built|construy[oó]|construido|financi[oó]|"
    r"financed|administra|manages|maintains|mantiene|mant[eé]m|instal[oó]|instalou|constr[oó]i|constru[ií]u|leases)\b", re.I)
_BOTH_COUNTRIES = re.compile(
    r"\b(?:the two (?:countries|governments|nations|sides)|both (?:countries|governments|sides)|ambos pa[ií]ses|"
    r"ambos gobiernos|os dois pa[ií]ses|ambos os pa[ií]ses)\b", re.I)
_FORCES_AFTER = re.compile(  # "Turkish personnel are stationed", "Russian warships docked"
    r"(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:troops|soldiers|personnel|forces|fighters|warships|navy|marines|military|"
    r"servicemen|service members|sailors|airmen|"
    r"officers|contingents?|tropas|soldados|militares|fuerzas|for[cç]as|navios|(?:naval )?vessels|ships|units|aircraft)\b", re.I)
_TRAINEES_OF = re.compile(
    r"\b(?:pilots|crews|technicians|mechanics|officers|engineers|personnel|staff|pilotos|t[eé]cnicos|mec[aá]nicos|"
    r"oficiales|ingenieros|tripulaciones)\s+(?:of|from|de|da|do|del)\s+(?:the\s+|la\s+|el\s+)?$", re.I)
_PLANT_NOUN = re.compile(r"plant|factory|planta|f[aá]brica", re.I)  # a place of work, not itself industry
_HOST_KINDS = ("arms_transfer", "maintenance", "training", "presence")
_ONGOING_KINDS = ("presence", "training", "maintenance", "industrial")
_PRESENCE_FACILITIES = ("naval_base", "air_base", "military_base", "port", "airstrip")
# "en el puerto de Montevideo", "at the port of Colombo": the capital as a place, not its government
_PORT_OF = re.compile(r"\b(?:(?:the\s+)?(?:port|harbou?r|airport|outskirts|suburbs?)\s+of|(?:el\s+|o\s+)?(?:puerto|porto|aeropuerto|aeroporto|afueras|arredores)\s+(?:de|do|da))\s+$", re.I)
# "Turkey, which backs the Government of National Unity in Tripoli, maintains …": a capital
# after "in" is where, not who, and stands between no subject and its verb
_IN_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside|en|em|cerca de|perto de)\s+$", re.I)
# "at Otokar's plant in Arifiye": where a facility is, right after its name
_LOCATED_AT = re.compile(r"[\s,]*(?:(?:of|de|da|do|del)\s+(?:[\w'’-]+\s+){1,3})?(?:in|at|near|outside|en|em|cerca de|perto de)"
                         r"\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}", re.I)
_LIST_CUE = re.compile(r"\b(?:like|such as|including|e\.g\.|among them|namely)\b", re.I)
_DISCOUNT = re.compile(r"\b(?:previously|originally|formerly|once|earlier|initially|had been|anteriormente|previamente)\s+(?:\w+\s+)?$", re.I)
# the gap between two items of a list: ", ", " and ", " y ", ", and the "
_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:and|y|e)\s+)?(?:the\s+)?", re.I)
# "Zambian officials have said that", "Western diplomats told": the speakers of a report
_SPEAKERS_AFTER = re.compile(r"\s+(?:[\w-]+\s+)?(?:officials|sources|diplomats|spokes(?:man|woman|person))\s+"
                             r"(?:(?:have|has|had)\s+)?(?:said|say|says|told|stated)\b", re.I)
# ", an Indian-Russian joint venture", ", the Indo-Russian joint venture": an apposition to a firm's name
_FIRM_DESCRIBED = re.compile(r",\s+(?:an?|the)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
# "its base", "their own naval base": a base of the clause's subject
_POSSESSIVE = re.compile(r"(?:its|their)\b", re.I)
_POSSESSIVE_BEFORE = re.compile(r"\b(?:its|their)\s+(?:own\s+|main\s+|largest\s+|only\s+|first\s+)?$", re.I)
# ", and the Netherlands", "; Greece": a country that opens a further clause of the sentence
_CLAUSE_OPENING = re.compile(r"(?:;|,\s*(?:and|while|but|whereas|y|e|mas|pero|mientras)|\b(?:while|whereas))\s+(?:the\s+)?$", re.I)
# "... and Austria signed a joint contract for the type", "signed for 36 launchers": the buyer signs
_BUYER_SIGNS = re.compile(
    r"(?:\s+and\s+(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)?\s+(?:(?:have|has|had)\s+)?(?:both\s+|also\s+|jointly\s+)?"
    r"(?:signed|signs)\s+(?:up\s+)?(?:for\b|(?:a|an|the)\s+(?:[\w$.,-]+\s+){0,3}(?:contract|deal|order)s?\s+for\s+"
    r"(?!the\s+(?:supply|delivery|sale|export)))", re.I)
# "are to be delivered from 2028", "would be built by CSSC and delivered", "devem ser entregues":
# what is yet to happen has not happened.
_YET_TO_HAPPEN = re.compile(
    r"(?:\b(?:to|will|would|shall|could|may|might|should|must)\s+(?:not\s+)?(?:\w+ly\s+|also\s+|then\s+|soon\s+|only\s+|first\s+)?"
    r"(?:be\s+|have\s+been\s+)(?:[\w-]+ly\s+)?(?:[\w-]+\s+(?:[^,;.]{0,60}?\s+)?(?:and|or)\s+)?"
    r"|\b(?:ser[aá]n?|ser[aã]o|(?:devem?|deber[aá]n?|v[aã]o?|vai|han de|h[aã]o de|para|a|por)\s+ser)\s+(?:\w+mente\s+)?)$", re.I)
_CLAUSE_BREAK = re.compile(r";|\s—\s|—|\bwhile\b|\bwhereas\b|\bbut\b|\bmientras\b|\bpero\b|\benquanto\b|"
                           r"\bbefore\b|\buntil\b|\bantes de que\b|\bhasta que\b|\bat[eé] que\b", re.I)
_YEAR = re.compile(r"(?<![\d$.,])(19[5-9]\d|20[0-4]\d)(?![\d])")
_SINCE = re.compile(r"\b(?:since|desde|from|a partir de)\s+(?:the\s+|el\s+|o\s+)?(?:end of\s+|late\s+|early\s+)?$", re.I)
# "last year", "el año pasado", "no próximo ano": a year counted from the article's own
_RELATIVE_YEAR = re.compile(
    r"\b(?:(?P<last>(?:last|previous|past) year|(?:año|ano) pasado|ano passado)"
    r"|(?P<this>this year|(?:este|neste|esse) (?:año|ano))"
    r"|(?P<next>next year|(?:próximo|proximo) (?:año|ano)|(?:año|ano) que vem|año que viene))\b", re.I)
_YEAR_OFFSET = {"last": -1, "this": 0, "next": 1}
_MONTHS = {name: i % 12 + 1 for names in (
    "january february march april may june july august september october november december".split(),
    "jan feb mar apr may jun jul aug sep oct nov dec".split(),
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(),
) for i, name in enumerate(names)} | {"sept": 9, "setiembre": 9}
# A month named without its year ("in August", "last September"); "May" only after "in"/"last"
_MONTH_ALONE = re.compile(
    r"(?:\b(?:in|last|since|early|late|mid|en|em|desde|el pasado|en el mes de)\s+(?:-\s*)?)"
    r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|"
    r"Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|"
    r"octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)"
    r"(?![\w.]*\s*(?:\d|de\s+\d|del?\s+(?:19|20)\d\d|,\s*(?:19|20)\d\d))", re.I)
_HAPPENED = ("signed", "completed", "operational", "under_construction", "stalled", "suspended", "cancelled",
             "reactivated")
# "a 2018 agreement", "the 2014 contract": the year the deal was made, not of a later status.
_DEAL_AFTER_YEAR = re.compile(r"\s+(?:[\w-]+\s+)?(?:agreements?|contracts?|deals?|accords?|treaty|memorandum|pact|"
                              r"acuerdo|contrato|acordo|convenio)\b", re.I)
_DEAL_YEAR = re.compile(
    r"\b(?P<year>19[5-9]\d|20[0-4]\d)(?=\s+(?:[\w-]+\s+)?(?:agreements?|contracts?|deals?|accords?|orders?|memorandum|"
    r"acuerdo|contrato|acordo|convenio)\b)|\b(?:contrato|acuerdo|acordo|convenio|contract|agreement|deal)\s+(?:de|of)\s+"
    r"(?P<of_year>19[5-9]\d|20[0-4]\d)\b", re.I)
_DEAL_STATUSES = ("unknown", "offered", "negotiating", "announced", "signed")
# How near its cue a year must be named for a further event of a sentence ("… and delivered in 2024").
_EVENT_YEAR_CHARS = 50
_RANGE = re.compile(r"\b(?:between|from)\s+(19[5-9]\d|20[0-4]\d)\s+(?:and|to|-|–)\s+(19[5-9]\d|20[0-4]\d)\b", re.I)
# "a Russian naval logistics facility", "the Chinese base": a major exporter's installation
_FACILITY_NOUN_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:bases?|facility|facilities|installations?|outpost|"
                                  r"(?:logistics|support|supply) (?:cent(?:er|re)|hub|point))\b", re.I)
# A subject pronoun opening a sentence, after an opening phrase at most ("In May 2026 it handed
# over …"); not the "it" of "it is expected", "it was reported".
_PRONOUN_SUBJECT = re.compile(
    r"(?:(?:In|On|By|Since|Last|Earlier|Later|Then|Now|Meanwhile|Also|Separately|Additionally)\b[^,.;:]{0,30}?,?\s+)?"
    r"(It|They)\s+(?!is\b|was\b|are\b|were\b|remains?\b|seems?\b|appears?\b|would be\b|will be\b|could be\b|may be\b|"
    r"has been (?:reported|said|suggested|claimed)\b)", re.I)
# A buyer's or operator's verb right before an equipment designation: "received three JF-17s"
_EQUIPMENT_VERB = re.compile(
    r"\b(?:received|receives|ordered|bought|buys|purchased|acquired|operates|operated|flies|fields|fielded|"
    r"took delivery of|signed for|recibi(?:ó|o|eron)|compr(?:ó|aron)|adquiri(?:ó|eron)|opera(?:n|ba|ban)?|"
    r"receb(?:eu|eram)|compr(?:ou|aram)|adquiri(?:u|ram)|operam|operou)\b", re.I)
_EQUIPMENT_OBJECT_BEFORE = re.compile(
    rf"(?:{_EQUIPMENT_VERB.pattern})\s+(?:its\s+|their\s+|the\s+|el\s+|la\s+|los\s+|las\s+|o\s+|a\s+|os\s+|as\s+|"
    r"sus?\s+|seus?\s+|suas?\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_LEASED_FROM = re.compile(r"\b(?:lease[sd]?|leasing|rent(?:s|ed|ing)?|arrienda(?:n)?|arrend(?:ó|aron)|aluga(?:m)?|alugou)\b"
                          r"[^.;]{0,60}\b(?:from|a|de|al)\s+(?:the\s+)?$", re.I)
_SUBJECT_GAP = re.compile(r"(?:,?\s+(?:que|which|that|also|too|has|have|had|now|already|ya|tamb[ié]m|tambi[eé]n|j[aá])\b)*[\s,]*",
                          re.I)
# "have all bought the aircraft", "operan estos aviones": hardware the article has already named
_HARDWARE_ANAPHOR = re.compile(
    r"\b(?:bought|buy|buys|ordered|orders|received|receive|acquired|operate|operates|fly|flies|fielded|fields|use|uses|"
    r"compr(?:ó|aron|an|a|ou|aram|am)|adquiri(?:ó|eron|u|ram)|recibi(?:ó|eron)|receb(?:eu|eram)|opera(?:n|m)?)\s+"
    r"(?:all\s+|also\s+|todos\s+|tamb[ié]m\s+)?"
    r"(?:the|these|those|such|this|that|el|la|los|las|este|esta|estos|estas|esse|essa|esses|essas|o|a|os|as)\s+"
    r"(?:same\s+|mesmos?\s+|mismos?\s+)?(?:aircraft|drones?|jets?|helicopters?|fighters?|tanks?|howitzers?|"
    r"aviones|avi[oõ]es|helic[oó]pteros|cazas|ca[cç]as|drones|tanques)\b", re.I)
# A sentence that refers back to a deal or facility the article has named ("the agreement").
_ANAPHOR = re.compile(
    r"\b(?:the|this|these|that|such|its|el|la|los|las|este|esta|estos|o|a|os|as|esse|essa)\s+(?:\w+\s+){0,2}"
    r"(?:agreements?|deals?|contracts?|accords?|partnership|alliance|collaboration|programs?|programmes?|"
    r"initiative|project|cent(?:er|re)|plant|facility|factory|hub|acuerdos?|contratos?|convenio|acordo|"
    r"programas?|proyecto|projeto|centro|planta|f[aá]brica)\b", re.I)
_HEADING = re.compile(r"^[^.!?]{1,80}$")
_SANCTION_IMPOSER_GAP = 30
_UNDER = re.compile(r"\b(?:under|bajo|sob)\b", re.I)  # "Cambodia under an arms embargo": its target
_IMPOSED = re.compile(r"\b(?:impos(?:ed|es|ing)|slapped|placed|announced|levied|maintains|maintained|keeps|kept|"
                      r"impuso|impusieron|imp[oô]s|mantiene|mantuvo|mant[eé]m|manteve)\s+(?:\w+\s+){0,3}$", re.I)
_SANCTION_OBJECT_END = re.compile(r"[,;:—]|\s(?:as|over|for|because|after|while|amid|por|tras|mientras)\s", re.I)


@dataclass
class _Actor:
    """A reference to a country in a sentence, and how it is used there."""

    country: str
    start: int
    end: int
    text: str
    source: str  # country | demonym | place | capital | org | equipment
    org: Actor | None = None


@dataclass
class ReportedRelation:
    """One sentence's report of a supplier→recipient relation."""

    article: str
    supplier: str
    recipient: str
    kind: str
    status: str
    year: int | None
    speculative: bool
    equipment: list[str]
    organizations: list[str]
    evidence: Evidence
    generic: bool = False
    facility: "ReportedFacility | None" = None


@dataclass
class ReportedFacility:
    """One sentence's report of a facility."""

    article: str
    kind: str
    relationship_kind: str
    name: str
    supplier: str
    host: str
    place: Toponym | None
    operators: list[str]
    equipment: list[str]
    status: str
    year: int | None
    speculative: bool
    evidence: Evidence


@dataclass
class ArticleReading:
    """Everything read from one article."""

    article: Article
    toponyms: list[Toponym]
    relations: list[ReportedRelation] = field(default_factory=list)
    facilities: list[ReportedFacility] = field(default_factory=list)


_READING = threading.local()  # the scan of the article each thread is reading


class _ArticleScan:
    """Where the dictionaries' patterns can match in one article, found in one pass.

    The prefix index lists, for each pattern, the word starts where the text begins with one of
    its first strings; a sentence or clause scan then tries the pattern only at those positions,
    as ``finditer`` would (leftmost first, without overlaps, with the same bounds), so it finds
    the same matches. Unindexed patterns are scanned as usual. The place names of a sentence
    are looked up by offset.
    """

    def __init__(self, text: str, cands: list[Candidate], index: PrefixIndex) -> None:
        self.text = text
        self.cands = cands
        self.index = index
        self.hits = index.hits(text)
        self.hit_at = [q for q, _found in self.hits]
        at: dict[int, list[int]] = defaultdict(list)
        for q, found in self.hits:
            for i in found:
                at[i].append(q)
        self.at = at
        self._within: dict[tuple[int, int], set[int]] = {}
        self._spans: dict[tuple[re.Pattern[str], int, int], list[tuple[int, int]]] = {}
        order = sorted(range(len(cands)), key=lambda i: cands[i].start)
        self._cand_order = order
        self._cand_starts = [cands[i].start for i in order]
        self.firms: list[tuple[int, Actor]] | None = None  # the defence firms named, filled on first need

    def finditer(self, rx: re.Pattern[str], start: int, end: int) -> "list[re.Match[str]] | object":
        key = self.index.key.get(id(rx))
        if key is None or key in self.index.unindexed:
            return rx.finditer(self.text, start, end)
        positions = self.at.get(key)
        if positions is None:
            return ()
        out = []
        pos = start
        for k in range(bisect_left(positions, start), bisect_left(positions, end)):
            q = positions[k]
            if q < pos:
                continue  # inside the previous match
            m = rx.match(self.text, q, end)
            if m is not None:
                out.append(m)
                pos = m.end()
        return out

    def search(self, rx: re.Pattern[str], start: int, end: int) -> re.Match[str] | None:
        return next(iter(self.finditer(rx, start, end)), None)

    def spans(self, rx: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
        """The spans of ``rx.finditer(text, start, end)``, found once per article."""
        key = (rx, start, end)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = [m.span() for m in rx.finditer(self.text, start, end)]
        return found

    def within(self, start: int, end: int) -> set[int]:
        """The patterns that can match somewhere in text[start:end] (the unindexed ones too)."""
        found = self._within.get((start, end))
        if found is None:
            found = set(self.index.unindexed)
            for k in range(bisect_left(self.hit_at, start), bisect_left(self.hit_at, end)):
                found |= self.hits[k][1]
            self._within[(start, end)] = found
        return found

    def worth(self, patterns: dict[str, re.Pattern[str]], start: int, end: int) -> list[tuple[str, re.Pattern[str]]]:
        """The (name, pattern) items that can match somewhere in text[start:end]."""
        possible = self.within(start, end)
        key = self.index.key
        return [(name, rx) for name, rx in patterns.items() if key.get(id(rx), -1) in possible or id(rx) not in key]

    def candidates(self, sent: Sentence) -> list[Candidate]:
        """The place-name candidates that start in the sentence, in their original order."""
        lo = bisect_left(self._cand_starts, sent.start)
        hi = bisect_right(self._cand_starts, sent.end)
        return [self.cands[i] for i in sorted(self._cand_order[lo:hi])]


FACILITY_RELATION = {
    "mro_center": "maintenance", "factory": "industrial", "shipyard": "industrial",
    "naval_base": "presence", "air_base": "presence", "military_base": "presence",
    "training_center": "training", "space_or_tracking_station": "presence", "port": "presence",
    "airstrip": "presence", "office": "other",
}


class Extractor:
    """Reads articles into toponyms, relations and facilities."""

    def __init__(self, geoparser: Geoparser | None = None, dictionaries: Dictionaries | None = None) -> None:
        self.geoparser = geoparser or Geoparser()
        self.d = dictionaries or load_dictionaries()
        self._equipment_keys: tuple[PrefixIndex, dict] | None = None

    def _equipment_of_key(self, index: PrefixIndex) -> dict:
        """The equipment patterns by their key in ``index``."""
        if self._equipment_keys is None or self._equipment_keys[0] is not index:
            self._equipment_keys = (index, {index.key[id(eq.pattern)]: eq for eq in self.d.equipment})
        return self._equipment_keys[1]

    def _scan_of(self, text: str) -> _ArticleScan | None:
        """The scan of the article this thread is reading, if ``text`` is its text."""
        scan = getattr(_READING, "scan", None)
        return scan if scan is not None and scan.text is text and scan.index is self.d.index else None

    def _finditer(self, rx: re.Pattern[str], text: str, start: int, end: int):
        scan = self._scan_of(text)
        return scan.finditer(rx, start, end) if scan is not None else rx.finditer(text, start, end)

    def _spanish_demonyms(self, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
        """Spanish and Portuguese demonyms: "técnicos rusos", and capitalised only inside a name
        after another capitalised word ("Força Aérea Portuguesa", not "La Española")."""
        if self.d.lowercase_demonym_re is None:
            return
        for m in self._finditer(self.d.lowercase_demonym_re, text, start, end):
            if m.group()[0].islower() or (_NAME_WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
                                          and not _NAME_WORD_AFTER.match(text, m.end())):
                yield m

    def _search(self, rx: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
        scan = self._scan_of(text)
        return scan.search(rx, start, end) if scan is not None else rx.search(text, start, end)

    # --------------------------------------------------------------- article level
    def read(self, article: Article) -> ArticleReading:
        text = article.text
        cands = self.geoparser.resolve(self.geoparser.recognize(text, article.language))
        toponyms = [c.to_toponym() for c in cands]
        reading = ArticleReading(article, toponyms)
        sentences = _contrasted_clauses(text, split_sentences(text), cands)
        outer = getattr(_READING, "scan", None)
        _READING.scan = _ArticleScan(text, cands, self.d.prefix_index())
        try:
            return self._read(article, reading, sentences, cands)
        finally:
            _READING.scan = outer

    def _read(self, article: Article, reading: ArticleReading, sentences: list[Sentence],
              cands: list[Candidate]) -> ArticleReading:
        text = article.text
        scenario = self._scenario_flags(sentences)
        last_recipients: dict[int, list[str]] = {}
        pending: list[tuple[Sentence, bool, list[_Actor]]] = []
        named = self._named_countries(text, cands)
        places = Counter(c.choice.country for c in cands if c.choice is not None and c.choice.country in named
                         and not c.demonym and c.choice.kind in ("city", "admin", "site") and not c.choice.capital)
        host = _main_host(named, self.d.exporter_share, places)
        previous: Sentence | None = None
        for sent, in_scenario in zip(sentences, scenario):
            before, previous = previous, sent
            if not self._may_report(text, sent):
                continue  # no trigger, deal word or facility word can match: nothing to code
            actors = self._actors(text, sent, cands, named)
            if before is not None:
                actors = self._resolve_pronoun_subject(text, sent, actors, before, cands, named)
            rels, facs, recips = self._code_sentence(article, sent, actors, cands, in_scenario,
                                                     carry=last_recipients.get(sent.paragraph), host=host)
            if recips:
                last_recipients[sent.paragraph] = recips
            if rels is None:
                pending.append((sent, in_scenario, actors))
                continue
            reading.relations.extend(rels)
            reading.facilities.extend(facs)
        # Second pass: sentences that name a recipient but leave the supplier to the article.
        suppliers_of: dict[str, Counter[str]] = defaultdict(Counter)
        for r in reading.relations:
            if r.kind != "sanctions":
                suppliers_of[r.recipient][r.supplier] += 1
        pairs = Counter((r.supplier, r.recipient) for r in reading.relations if r.kind != "sanctions" and not r.speculative)
        pair = pairs.most_common(1)[0][0] if pairs else None
        for sent, in_scenario, actors in pending:
            rels, facs, _ = self._code_sentence(article, sent, actors, cands, in_scenario,
                                                carry=None, suppliers_of=suppliers_of, pair=pair, host=host)
            reading.relations.extend(rels or [])
            reading.facilities.extend(facs or [])
        self._settle_generics(reading)
        self._settle_statuses(reading)
        _settle_facility_places(reading)
        return reading

    def _resolve_pronoun_subject(self, text: str, sent: Sentence, actors: list[_Actor], before: Sentence,
                                 cands: list[Candidate], named: Counter[str]) -> list[_Actor]:
        """``actors`` with a subject pronoun that opens the sentence ("It handed over …", "In May
        2026 they signed …") read as the country the sentence before opened with."""
        pronoun = _PRONOUN_SUBJECT.match(text, sent.start, min(sent.end, sent.start + 60))
        if pronoun is None or any(a.start < pronoun.start(1) and a.source != "place" for a in actors):
            return actors
        dateline = _DATELINE.match(text, before.start)
        subject = next((a for a in self._actors(text, before, cands, named) if a.source != "place"
                        and not (dateline and a.end <= dateline.end())), None)
        if subject is None:
            return actors
        it = _Actor(subject.country, pronoun.start(1), pronoun.end(1), pronoun.group(1), subject.source, subject.org)
        return sorted(actors + [it], key=lambda a: (a.start, a.end))

    def _may_report(self, text: str, sent: Sentence) -> bool:
        """Whether a trigger, a generic deal word or a facility word can match in the sentence
        (without them :meth:`_code_sentence` reports nothing and names no recipients)."""
        scan = self._scan_of(text)
        if scan is None:
            return True
        return bool(scan.worth(self.d.kinds, sent.start, sent.end) or scan.worth(
            self.d.facilities, sent.start, sent.end) or scan.worth({"": self.d.generic}, sent.start, sent.end))

    def _scenario_flags(self, sentences: list[Sentence]) -> list[bool]:
        flags = []
        active = False
        for s in sentences:
            heading = bool(_HEADING.match(s.text)) and len(s.text.split()) <= 8 and not s.text.rstrip().endswith(".")
            if heading:
                active = bool(self.d.scenario_heading.search(s.text)) or (
                    active and bool(re.search(r"\b(?:case|caso)\b.*\d+\s*%", s.text, re.I)))
            flags.append(active)
        return flags

    # --------------------------------------------------------------- sentence level
    def _named_countries(self, text: str, cands: list[Candidate]) -> Counter[str]:
        """Countries the article names as such (country, demonym, capital or organisation),
        with their number of mentions; a town alone does not bring its country into the article."""
        named: Counter[str] = Counter()
        for c in cands:
            if c.choice is not None and c.choice.country and (c.demonym or c.choice.kind == "country" or c.choice.capital):
                named[c.choice.country] += 1
        if self.d.actor_re is not None:
            found = self._finditer(self.d.actor_re, text, 0, len(text))
            named.update(self.d.actors[m.group()].country for m in found)
        named.update(self.d.lowercase_demonyms[m.group()] for m in self._spanish_demonyms(text, 0, len(text)))
        return named

    def _actors(self, text: str, sent: Sentence, cands: list[Candidate], named: Counter[str] | None = None) -> list[_Actor]:
        out: list[_Actor] = []
        scan = self._scan_of(text)
        for c in (scan.candidates(sent) if scan is not None and scan.cands is cands else cands):
            if c.start < sent.start or c.end > sent.end or c.choice is None or not c.choice.country:
                continue
            e = c.choice
            source = "demonym" if c.demonym else "country" if e.kind == "country" else \
                "capital" if e.capital and not _PORT_OF.search(text, max(sent.start, c.start - 30), c.start) else "place"
            if source == "place" and named is not None and e.country not in named:
                continue  # a town of a country the article never names is more likely a misreading
            if source == "place" and out and out[-1].source in ("country", "demonym") and out[-1].country != e.country \
                    and _POSSESSIVE_GAP.fullmatch(text, out[-1].end, c.start):
                continue  # "Italy's Leonardo": another country's firm or person, not a town of a third
            out.append(_Actor(e.country, c.start, c.end, c.surface, source))
        if self.d.origin_adjective_re is not None:
            for m in self._finditer(self.d.origin_adjective_re, text, sent.start, sent.end):
                if not any(a.start <= m.start() < a.end for a in out):
                    out.append(_Actor(self.d.origin_adjectives[m.group(1)], m.start(), m.end(1), m.group(1), "demonym"))
        for m in self._spanish_demonyms(text, sent.start, sent.end):
            if m.group()[0].isupper():  # "Marinha Portuguesa" is no town called Portuguesa
                out = [a for a in out if not (a.source == "place" and a.start <= m.start() < a.end)]
            if not any(a.start <= m.start() < a.end for a in out):
                out.append(_Actor(self.d.lowercase_demonyms[m.group()], m.start(), m.end(), m.group(), "demonym"))
        if self.d.actor_re is not None:
            for m in self._finditer(self.d.actor_re, text, sent.start, sent.end):
                actor = self.d.actors[m.group()]
                out = [a for a in out if not (a.start >= m.start() and a.end <= m.end())]
                out.append(_Actor(actor.country, m.start(), m.end(), m.group(), "org", actor))
            firm = next(iter(self._finditer(_THE_COMPANY, text, sent.start, sent.end)), None)
            if firm is not None and not any(a.org is not None and a.org.supplier_side for a in out):
                # "the company", "la empresa": the defence firm the article named last
                firms = self._firms(text)
                k = bisect_left(firms, (sent.start,))
                if k:
                    org = firms[k - 1][1]
                    out.append(_Actor(org.country, firm.start(), firm.end(), firm.group(), "org", org))
        out.sort(key=lambda a: (a.start, a.end))
        return out

    def _firms(self, text: str) -> list[tuple[int, Actor]]:
        """(offset, firm) of the defence firms the article names, found once per article."""
        scan = self._scan_of(text)
        if scan is not None and scan.firms is not None:
            return scan.firms
        firms = [(m.start(), self.d.actors[m.group()]) for m in self._finditer(self.d.actor_re, text, 0, len(text))
                 if self.d.actors[m.group()].type == "defense_firm"]
        if scan is not None:
            scan.firms = firms
        return firms

    def _equipment(self, text: str, sent: Sentence) -> list[tuple[int, int, str, str]]:
        """Equipment designations (start, end, text, origin), without spans inside longer ones."""
        scan = self._scan_of(text)
        patterns = self.d.equipment
        if scan is not None:  # the equipment patterns that can match here
            of_key = self._equipment_of_key(scan.index)
            patterns = [of_key[k] for k in sorted(scan.within(sent.start, sent.end)) if k in of_key]
        spans = sorted({(m.start(), m.end(), m.group(), eq.origin)
                        for eq in patterns for m in self._finditer(eq.pattern, text, sent.start, sent.end)})
        return [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and o[:2] != s[:2] for o in spans)]

    def _triggers(self, text: str, sent: Sentence) -> list[tuple[int, int, str]]:
        hits: list[tuple[int, int, str]] = []
        scan = self._scan_of(text)
        kinds = scan.worth(self.d.kinds, sent.start, sent.end) if scan is not None else self.d.kinds.items()
        for kind, rx in kinds:
            for m in self._finditer(rx, text, sent.start, sent.end):
                hits.append((m.start(), m.end(), kind))
        return sorted(hits)

    def _facility_hits(self, text: str, sent: Sentence) -> list[tuple[int, int, str]]:
        hits = []
        scan = self._scan_of(text)
        kinds = scan.worth(self.d.facilities, sent.start, sent.end) if scan is not None else self.d.facilities.items()
        for kind, rx in kinds:
            for m in self._finditer(rx, text, sent.start, sent.end):
                hits.append((m.start(), m.end(), kind))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, str]] = []
        for h in hits:
            if not any(o[0] <= h[0] < o[1] or h[0] <= o[0] < h[1] for o in out):
                out.append(h)
        return out

    def _filter_triggers(self, text: str, sent: Sentence, actors: list[_Actor], triggers, facility_hits,
                         host: str | None = None):
        """Drop the trigger readings the sentence's context rules out.

        - a maintenance word that names a course ("maintenance training", "train crews to
          operate and maintain") is training;
        - a base is a foreign presence only when something says so (troops, deployment,
          hosting, a foreign country's name right before it); otherwise it is a place, and
          "the air force's maintenance base" is the host's own.
        """
        names = [(a.start, a.end) for a in actors if a.source == "org"]
        triggers = [t for t in triggers if not any(n0 <= t[0] < n1 for n0, n1 in names)
                    and not (t[2] == "sanctions" and _TITLE_WORD.match(text, t[1]))]
        facility_hits = [f for f in facility_hits if not any(n0 <= f[0] < n1 for n0, n1 in names)]
        # "BrahMos Aerospace, an Indian-Russian joint venture, delivered …": what a firm is, not what the
        # sentence reports
        ends = {n1 for _n0, n1 in names}
        triggers = [t for t in triggers if t[2] != "industrial" or not (
            (m := _FIRM_DESCRIBED.search(text, max(sent.start, t[0] - 50), t[0])) and m.start() in ends)]
        # "the air force's maintenance service", "a mixed fleet complicates maintenance": no service provided
        triggers = [t for t in triggers if t[2] != "maintenance" or not (
            _OWN_FACILITY.search(text, max(sent.start, t[0] - 60), t[0])
            or _UPKEEP_AFFECTED.search(text, max(sent.start, t[0] - 40), t[0]))]
        # "Russian-built helicopters" says where equipment comes from: a transfer only when the
        # sentence reports nothing else about it ("has operated Chinese-made drones since 2020").
        origin = [t for t in triggers if _ORIGIN_ADJECTIVE.match(text, t[0])]
        if origin and (len(origin) < len(triggers) or facility_hits):
            triggers = [t for t in triggers if t not in origin]
        plain_plants = [t for t in triggers if t[2] == "industrial" and _PLANT_NOUN.fullmatch(text, t[0], t[1])]
        for t in plain_plants:
            # A bare "plant" is where the clause's work is done: a maintenance plant is an MRO
            # centre, any other a factory (unless a longer facility phrase already covers it).
            if any(f[0] <= t[0] < f[1] for f in facility_hits):
                continue
            work = [o[2] for o in triggers if o is not t and self._clause(text, sent, o[0]) == self._clause(text, sent, t[0])]
            facility_hits = sorted(facility_hits + [(t[0], t[1], "mro_center" if "maintenance" in work else "factory")])
        triggers = [t for t in triggers if t not in plain_plants or not any(
            o[2] not in ("industrial", "agreement") and self._clause(text, sent, o[0]) == self._clause(text, sent, t[0])
            for o in triggers)]
        training_at = [s0 for s0, _e, k in triggers if k == "training"]
        kept = []
        for s0, e0, kind in triggers:
            if kind == "training" and _NOT_TEACHING.match(text, e0):
                continue  # "training flights": the aircraft's, not a training relationship
            if kind == "maintenance" and (_COURSE_AFTER.match(text, e0) or (training_at and _OPERATE_AND.search(
                    text, max(sent.start, s0 - 40), s0))):
                continue  # "maintenance training", "train crews to operate and maintain"
            kept.append((s0, e0, kind))
        facilities = []
        base_spans = []
        for fs, fe, fkind in facility_hits:
            before = text[max(sent.start, fs - 60):fs]
            if _OWN_FACILITY.search(before):
                base_spans.append((fs, fe))
                continue
            if fkind in _PRESENCE_FACILITIES and not self._foreign_base(text, sent, actors, fs, host):
                base_spans.append((fs, fe))
                continue
            if fkind not in _PRESENCE_FACILITIES and self._exporters_works(text, actors, fe, host):
                # "trained at Otokar's plant in Arifiye, in Turkey": the maker's works at home, where
                # the work is done (training, repairs), not a plant of its own abroad
                kept = [t for t in kept if t[2] != "industrial" or not fs <= t[0] < fe]
                continue
            if fkind in ("military_base", "air_base") and {k for _s, _e, k in kept} == {"training"} | (
                    {"presence"} if any(s0 == fs for s0, _e, _k in kept) else set()) and any(k == "training" for _s, _e, k in kept):
                fkind = "training_center"  # "training Malian special forces at the Kati military camp"
            facilities.append((fs, fe, fkind))
        kept = [t for t in kept if not any(b0 <= t[0] < b1 or t[0] <= b0 < t[1] for b0, b1 in base_spans)]
        return kept, facilities

    def _deal_for_hardware(self, text: str, sent: Sentence, deal: re.Match[str]) -> bool:
        """Whether a deal word is "for" hardware ("a contract for 48 KAAN fighters", "un contrato
        para dos patrulleras"): a purchase, even of a model the dictionaries do not know."""
        m = _FOR_AFTER_DEAL.match(text, deal.end(), min(sent.end, deal.end() + 60))
        return m is not None and self.d.hardware_after.match(text, m.end() - 1, min(sent.end, m.end() + 60)) is not None

    def _near_trigger(self, text: str, sent: Sentence, actors: list[_Actor], country: str, specific, generics) -> bool:
        """Whether a country the sentence names without a role cue shares a clause with a
        trigger ("suspended purchases from Israel, after dozens of Palestinians were killed")."""
        anchors = [t[0] for t in specific] + [g.start() for g in generics]
        spans = {self._clause(text, sent, p, _RECIPIENT_BREAK) for p in anchors}
        return any(self._clause(text, sent, a.start, _RECIPIENT_BREAK) in spans for a in actors if a.country == country)

    def _exporters_works(self, text: str, actors: list[_Actor], end: int, host: str | None) -> bool:
        """Whether the plant, yard or centre ending at ``end`` is located in an arms exporter other
        than the host, or in the country of a firm the sentence names: the supplier's own works,
        not part of its footprint abroad."""
        if host is None:
            return False
        at = next((a for a in actors if a.source == "place" and a.start >= end), None)
        if at is None or at.country == host or _LOCATED_AT.fullmatch(text, end, at.start) is None:
            return False
        # a major exporter's, or the works of a firm of the country they are in ("Embraer's plant")
        return self.d.exporter_share.get(at.country, 0) >= 0.5 or any(
            a.org is not None and a.country == at.country for a in actors)

    def _foreign_base(self, text: str, sent: Sentence, actors: list[_Actor], start: int, host: str | None) -> bool:
        """Whether a base mentioned at ``start`` is a foreign presence."""
        cstart, cend = self._clause(text, sent, start)
        names = [(a.start, a.end) for a in actors if a.source == "org"]
        # aircraft named by their type ("Rafale fighters") are hardware, not fighters deployed
        names += [(e0, e1 + 2) for e0, e1, _text, _origin in self._equipment(text, sent)]
        if any(not any(n0 <= m.start() < n1 for n0, n1 in names)
               for m in self._finditer(self.d.presence_cues, text, cstart, cend)):
            return True
        if _POSSESSIVE.match(text, start) or _POSSESSIVE_BEFORE.search(text, max(cstart, start - 24), start):
            # "Russia … its base at Tartus in Syria": the base of a country named before, in another
            owner = next((a for a in reversed(actors) if a.end <= start and a.source != "place"), None)
            at = next((a for a in actors if 0 <= a.start - start <= 60), None)
            if owner is not None and at is not None and at.country != owner.country:
                return True
        near = [a for a in actors if 0 <= start - a.end <= 30 and a.source in ("demonym", "country", "org", "capital")
                and re.fullmatch(r"(?:['’]s)?[\s\w-]*", text[a.end:start])]
        after = next((a for a in actors if 0 <= a.start - start <= 50), None)
        if near and after is not None and after.country in {a.country for a in near}:
            return False  # "the Royal Danish Air Force at Skrydstrup air base in southern Denmark": at home
        return bool(near) and (host is None or any(a.country != host for a in near))

    def _buys_after(self, text: str, sent: Sentence, a: _Actor) -> bool:
        """Whether a buyer's verb follows ``a`` within 60 characters, or as far after an apposition
        ("Morocco, Algeria's regional rival, has … ordered"); a participle before a noun ("the
        largest source of imported weapons") is no buyer's verb."""
        limit = _after_apposition(text, a.end) + 60
        for m in self._finditer(self.d.buyer_verbs, text, a.end, sent.end):
            if m.start() >= limit:
                return False
            if not _ADJECTIVE_SLOT.search(text, max(sent.start, m.start() - 12), m.start()):
                return True
        return False

    def _roles(self, text: str, sent: Sentence, actors: list[_Actor], equipment, first_trigger: int,
               training: bool = False,
               presence: bool = False, training_at: int | None = None,
               deal_only: bool = False, trigger_starts: tuple[int, ...] = (),
               host: str | None = None, industrial: bool = False) -> tuple[Counter[str], Counter[str]]:
        sup: Counter[str] = Counter()
        rec: Counter[str] = Counter()
        explicit: set[str] = set()  # countries a cue names as the supplier
        # Trainees are the training's object ("trained Somali soldiers"), or its subject when they
        # receive it ("Argentine pilots completed conversion training", "pilots were trained").
        receiving = bool(_RECEIVING.search(text, sent.start, sent.end))
        trained_at = training_at if training_at is not None else first_trigger
        trainees = {a.country for a in actors if training and a.source in ("demonym", "country")
                    and (receiving or a.start > trained_at)
                    and self.d.trainee_after.match(text[a.end:min(sent.end, a.end + 45)])
                    and not _TEACHING_AFTER.match(text[a.end:min(sent.end, a.end + 45)])}
        # "Técnicos de ENAER ...", "pilots of the Philippine Air Force": a host organisation's people
        trainees |= {a.country for a in actors if training and a.org is not None and not self._supplier_side(a.org)
                     and _TRAINEES_OF.search(text, max(sent.start, a.start - 30), a.start)}
        subject_done = False
        dateline = _DATELINE.match(text, sent.start)
        placed = {a.country for a in actors if a.source == "place"}  # where things happen
        for a in actors:
            if dateline and a.end <= dateline.end():
                continue  # "RÍO CUARTO, Argentina, Dec. 6, 2025 —" says where, not who
            after = text[a.end:min(sent.end, a.end + 45)]
            before = text[max(sent.start, a.start - 80):a.start]
            if a.source == "org" and a.org is not None:
                if industrial and a.country == host and any(
                        origin != host and self.d.exporter_share.get(origin, 0) >= 1 for _s, _e, _t, origin in equipment):
                    rec[a.country] += 1.5  # "the Gripen line at Embraer's plant": a foreign maker's work in the host's firm
                elif self._supplier_side(a.org):
                    sup[a.country] += 3.0
                    explicit.add(a.country)
                elif a.org.type == "state_company":
                    rec[a.country] += 1.0
                elif presence and a.org.type == "military_unit" and host is not None and a.country != host:
                    sup[a.country] += 3.0  # "Indian Navy aircraft have used the airstrip": a foreign force present
                    explicit.add(a.country)
            elif a.source in ("demonym", "country", "capital"):
                noun_before = _NOUN_BEFORE.search(text, max(sent.start, a.start - 30), a.start)
                if noun_before and noun_before.group(2) and self.d.exporter_share.get(a.country, 0) < 1:
                    noun_before = None  # "helicópteros hondureños": the fleet's owner, not its maker
                if noun_before and noun_before.group(1) and _INSTITUTION_BEFORE.search(text, sent.start, noun_before.start()):
                    noun_before = None  # "academias militares rusas": the schools' country, not people
                if noun_before and _ALONGSIDE.search(text, max(sent.start, noun_before.start() - 20), noun_before.start()):
                    noun_before = None  # "ejercicios con las Fuerzas Armadas peruanas": the partner, not the provider
                if noun_before and a.source == "demonym" and a.country not in trainees:
                    # Spanish/Portuguese order: "técnicos rusos", "empresas surcoreanas", "militares argentinos"
                    if training and ((noun_before.group(1) and (receiving and a.start < trained_at or a.start > trained_at))
                                     or _TRAINING_OBJECT.search(text, max(sent.start, a.start - 90), noun_before.start())):
                        trainees.add(a.country)  # also "capacitará a unos 40 operadores y especialistas peruanos"
                    elif not noun_before.group(1) or a.start < first_trigger:
                        sup[a.country] += 3.0
                        explicit.add(a.country)
                        continue
                if a.country in trainees:
                    rec[a.country] += 3.0
                elif a.source == "demonym" and (_DEAL_AFTER.match(after) or self.d.hardware_after.match(after)) \
                        and self.d.exporter_share.get(a.country, 0) >= 1:
                    sup[a.country] += 3.0
                    explicit.add(a.country)
                elif a.source == "demonym" and a.country != host and _FACILITY_NOUN_AFTER.match(after) \
                        and self.d.exporter_share.get(a.country, 0) >= 1:
                    sup[a.country] += 3.0  # "a Russian naval logistics facility" abroad: Russia's
                    explicit.add(a.country)
                elif a.source == "country" and _POSSESSIVE_GOODS.match(after) and self.d.exporter_share.get(a.country, 0) < 1:
                    rec[a.country] += 1.5  # "80% of Vietnam's weapons": whose they are, not who made them
                elif _WHOSE_SUPPLIERS.match(after):
                    rec[a.country] += 2.0  # "one of Niamey's main arms suppliers": whom they supply
                elif self.d.supplier_after.match(after) or _WHICH_SUPPLIED.match(after) or (
                        presence and _FORCES_AFTER.match(after) and not _joined(text, a, actors)
                        and not _ALONGSIDE.search(before)):
                    sup[a.country] += 3.0
                    explicit.add(a.country)
                elif presence and (partner := _joined_partner(text, a, actors)) is not None and _FORCES_AFTER.match(
                        text, max(a.end, partner.end)) and self.d.exporter_share.get(a.country, 0) >= max(
                        1.0, 2 * self.d.exporter_share.get(partner.country, 0)):
                    sup[a.country] += 3.0  # "Chinese and Thai marines held …": the major exporter's forces visit
                    explicit.add(a.country)
                elif presence and (partner := _joined_partner(text, a, actors)) is not None and _FORCES_AFTER.match(
                        text, max(a.end, partner.end)) and placed and a.country not in placed:
                    # "Japanese and Australian vessels called at Ream": both visit; "Vietnamese and
                    # Japanese vessels held a drill off Haiphong": the one not at home visits
                    sup[a.country] += 3.0
                    explicit.add(a.country)
                elif training and _ALONGSIDE.search(before) and (
                        (trainees and a.country not in trainees) or (host is not None and a.country not in (host, *trainees))):
                    sup[a.country] += 2.0  # "pilots have been training with the French navy"
                    explicit.add(a.country)
                elif self.d.recipient_after.match(after):
                    rec[a.country] += 1.5
            if a.source != "place" and _RELATIVE_BEFORE.search(before) and _RUNS_AFTER.match(after):
                sup[a.country] += 3.0  # "the station that China operates", "la planta que Rusia construyó"
                explicit.add(a.country)
            if training and _TRAINEES_FROM.search(before):
                trainees.add(a.country)  # "trained several hundred officers from Nicaragua"
                rec[a.country] += 3.0
            elif a.source != "place" and _LEASED_FROM.search(before):
                rec[a.country] += 3.0  # "leases the Baikonur cosmodrome from Kazakhstan": the host
            elif a.source != "place" and (_BOUGHT_FROM.search(before) or _DEPENDS_ON.search(before[-40:])
                                          or _COMING_FROM.search(before[-40:])):
                sup[a.country] += 4.0
                explicit.add(a.country)
            elif a.source in ("country", "place") and a.country != host and (
                    (self.d.exporter_share.get(a.country, 0) >= 1 and _MADE_IN.search(before[-70:]))
                    or _REPAIRED_IN.search(before[-70:])):
                # "built in China", "built at the plant in Donauwörth, Germany": an exporter's works, the
                # maker's side ("patrol boats built in Vietnam" for Vietnam are built where they serve)
                sup[a.country] += 2.0
                explicit.add(a.country)
            elif a.source != "place" and _BOUGHT_BY.search(before[-60:]):
                rec[a.country] += 3.0
            elif a.source != "place" and _TURNED_TO.search(before[-40:]) and not _NEW_CLAUSE.search(
                    text, a.end, min((t for t in trigger_starts if t > a.end), default=a.end)):
                sup[a.country] += 3.0  # unless the trigger is in a clause of its own ("… after it gave tanks to Ukraine")
                explicit.add(a.country)
            elif a.source in ("country", "capital") and _TO_INSTITUTION_OF.search(before):
                rec[a.country] += 2.0
            elif a.source != "place" and _SUPPLIER_PREPS.search(before[-40:]) and not _STATE_OF.search(before[-40:]) \
                    and not _REVIEWED_BY.search(before[-60:]):
                strong = _SUPPLIER_PREPS.search(before[-40:]).group().split()[0].lower() in ("from", "by")
                sup[a.country] += 2.0 if strong else 1.0  # es/pt "de" is mostly "of"
                explicit.add(a.country)
            elif _COUNTERPART_WITH.search(before[-60:]) and a.source != "org":
                if _DEAL_WITH.search(before[-40:]) and (self.d.exporter_share.get(a.country, 0) >= 0.5 or any(
                        origin == a.country for _s, _e, _t, origin in equipment)) and not deal_only:
                    sup[a.country] += 2.0  # "Indonesia signs BrahMos deal with India": the maker supplies
                    explicit.add(a.country)
                elif self.d.exporter_share.get(a.country, 0) < 0.5:
                    rec[a.country] += 1.5  # "military cooperation with Cuba"
                elif deal_only:
                    sup[a.country] += 1.0  # "Peru signed an agreement with Russia": the exporter supplies
            elif _RECIPIENT_PREPS.search(before[-40:]) and not _ATTRIBUTION.search(before[-40:]) and not (
                    a.source == "demonym" and (_DEAL_AFTER.match(after) or self.d.supplier_after.match(after) or (
                        self.d.hardware_after.match(after) and self.d.exporter_share.get(a.country, 0) >= 1))):
                if a.source == "place" and sup[a.country] > 0:
                    pass  # "Brasil ofreció … vehículos fabricados en Sete Lagoas": where the supplier makes them
                elif (trainees or (training and receiving)) and a.country not in trainees:
                    sup[a.country] += 2.0  # "pilots trained in India", "with the Royal Danish Air Force"
                else:
                    rec[a.country] += 2.0 if a.source != "org" else 0.5
            if not subject_done and (apposed := _APPOSED.match(text, a.end)) and any(
                    b.start == apposed.end() for b in actors):
                continue  # "Thailand's oldest treaty ally, the United States, will …": the subject is the second
            if not subject_done and a.start > first_trigger and _OPENING_PHRASE.fullmatch(text, sent.start, a.start):
                # "Además del entrenamiento, Estados Unidos entregó …": the subject of the verb after it
                first_trigger = min((t for t in trigger_starts if t > a.end), default=first_trigger)
            if not subject_done and a.start < first_trigger and _SPEAKERS_AFTER.match(text, a.end):
                continue  # "Zambian officials have said that …": who speaks is no party
            if not subject_done and a.start < first_trigger and a.source not in ("equipment", "place") and (
                    _segment(text, sent, a.start) == _segment(text, sent, first_trigger)
                    or self._clause_subject(text, sent, a, actors, first_trigger)):
                subject_done = True
                if a.country in trainees or _coordinated(text, a, actors, first_trigger):
                    pass  # "Vietnam and Israel sign ...": a joint subject says nothing of direction
                elif self._buys_after(text, sent, a):
                    rec[a.country] += 3.0
                elif _SUPPLY_VERB.match(text, first_trigger) or (
                        (sends := _SENDS_AFTER.match(text, a.end, first_trigger))
                        and not self.d.trainee_after.match(text, sends.end(), sent.end)):
                    sup[a.country] += 3.0  # "India … handed over a Kilo-class submarine"
                    explicit.add(a.country)
                elif deal_only and self.d.exporter_share.get(a.country, 0) < 0.5 and any(
                        self.d.exporter_share.get(b.country, 0) >= 0.5 and _WITH_BEFORE.search(
                            text, max(sent.start, b.start - 50), b.start) for b in actors if b.start > a.end):
                    rec[a.country] += 1.0  # "Colombia is negotiating a contract with Sweden's Saab"
                else:
                    sup[a.country] += 1.5
        # "Hungary took delivery in 2024, and the Netherlands and Austria signed a contract for the
        # type": the subject of a later clause that buys is a buyer too.
        for a in actors:
            if subject_done and a.source in ("country", "capital") and not rec[a.country] and a.country not in explicit \
                    and _CLAUSE_OPENING.search(text, max(sent.start, a.start - 16), a.start) and (
                        _BUYER_SIGNS.match(text, a.end, sent.end) or self._buys_after(text, sent, a)):
                rec[a.country] += 3.0
        # "in Burkina Faso and Niger": a country joined to a recipient shares its role.
        for prev, a in zip(actors, actors[1:]):
            if not rec[a.country] and not sup[a.country] and a.country != prev.country \
                    and re.fullmatch(r"\s*(?:,|and|y|e|or|o|ou)\s*(?:,\s*)?(?:and\s+|y\s+|e\s+)?(?:(?:the|el|la|los|las|o|a|os|as)\s+)?",
                                 text[prev.end:a.start]):
                if rec[prev.country] > 0:
                    rec[a.country] = rec[prev.country]
                elif prev.country in explicit and a.start > first_trigger:
                    sup[a.country] = sup[prev.country]  # "also buys from South Korea and Indonesia"
                    explicit.add(a.country)
        named = {a.country for a in actors}
        for s0, _e, _text, origin in equipment:
            # Equipment of known origin points at its supplier, unless the sentence names another
            # supplier outright and not the equipment's country (a US-built jet bought from Denmark).
            if not _REJECTED_BEFORE.search(text, max(sent.start, s0 - 50), s0) and not _CARRIER_BEFORE.search(
                    text, max(sent.start, s0 - 40), s0):
                sup[origin] += 2.5 if origin in named or not (explicit - {origin}) else 0.3
        return sup, rec

    def _clause_subject(self, text: str, sent: Sentence, a: _Actor, actors: list[_Actor], trigger: int) -> bool:
        """Whether ``a`` opens its clause and no other country is named between it and the trigger
        ("Brasil, por su parte, ofreció ...", "Since 2017 Turkey has run Camp TURKSOM, its ... base")."""
        cstart, _cend = self._clause(text, sent, a.start)
        dateline = _DATELINE.match(text, sent.start)
        if dateline and cstart < dateline.end() <= a.start:
            cstart = dateline.end()
        if len(text[cstart:a.start].split()) > 3 or trigger - a.end > 120:
            return False
        if any(cstart <= b.start < a.start and b.country != a.country and b.source != "place" for b in actors):
            return False  # "Turkey deepens Somalia footprint": an object, not the subject
        start = _after_apposition(text, a.end, trigger)  # "China, Laos' largest creditor, has ..."
        return not any(start <= b.start < trigger and b.country != a.country and b.source != "place"
                       and not (b.source == "capital" and _IN_PLACE_BEFORE.search(text, max(cstart, b.start - 12), b.start))
                       for b in actors)

    def _supplier_side(self, org: Actor) -> bool:
        """Exporters and defence firms; also the expeditionary units (Africa Corps, U.S. Southern
        Command) of the major exporters."""
        return org.supplier_side or (org.type == "military_unit" and self.d.exporter_share.get(org.country, 0) >= 1)

    def _status(self, text: str, start: int, end: int) -> tuple[str, int | None]:
        """The strongest status cue in text[start:end] and its offset."""
        best, where = "unknown", None
        for status, rx in self.d.status.items():
            for m in self._finditer(rx, text, start, end):
                if not self._cue_holds(text, start, m.start(), status):
                    continue
                if STATUS_ORDER.index(status) > STATUS_ORDER.index(best):
                    best, where = status, m.start()
        return best, where

    @staticmethod
    def _cue_holds(text: str, start: int, at: int, status: str) -> bool:
        """Whether the status cue at ``at`` reports the present state: not a former one
        ("originally signed") nor, for what happens, one yet to come ("to be delivered")."""
        if _DISCOUNT.search(text, max(start, at - 40), at):
            return False
        return status not in _HAPPENED or not _YET_TO_HAPPEN.search(text, max(start, at - 120), at)

    def _clause(self, text: str, sent: Sentence, pos: int, breaks: re.Pattern = _CLAUSE_BREAK) -> tuple[int, int]:
        """The (start, end) of the clause of ``sent`` around ``pos``, between ``breaks``."""
        scan = self._scan_of(text)
        spans = scan.spans(breaks, sent.start, sent.end) if scan is not None else [
            m.span() for m in breaks.finditer(text, sent.start, sent.end)]
        start, end = sent.start, sent.end
        for b0, b1 in spans:
            if b1 <= pos:
                start = b1
            elif b0 >= pos:
                end = b0
                break
        return start, end

    def _year(self, text: str, sent: Sentence, anchor: int, article: Article, status: str = "unknown",
              within: int | None = None) -> int | None:
        """The year of a report: the year the sentence names nearest to ``anchor`` (a range's
        last year; "last year" counts from the article's year; a month alone, for what has
        happened, is the last such month before the article's date), else the article's year.
        A state that holds now ("operational since 2018") is reported for the article's year.
        With ``within``, only a year named that close counts, and there is no fallback."""
        ongoing = status == "operational"
        seg = text[sent.start:sent.end]
        dateline = _DATELINE.match(seg)
        body = dateline.end() if dateline else 0  # the dateline's year is the article's, a fallback
        own_year = article.year or next((int(m.group(1)) for m in _YEAR.finditer(seg, 0, body)), None)
        ranges = [(m.start(), m.end()) for m in _RANGE.finditer(seg, body)]
        years = [(abs(sent.start + m.start() - anchor), int(m.group(2)), sent.start + m.start())
                 for m in _RANGE.finditer(seg, body)]
        years += [(abs(sent.start + m.start() - anchor), int(m.group(1)), sent.start + m.start()) for m in _YEAR.finditer(seg, body)
                  if not (ongoing and _SINCE.search(seg, max(0, m.start() - 14), m.start()))
                  and not any(r0 <= m.start() < r1 for r0, r1 in ranges)
                  and not (status not in _DEAL_STATUSES and _DEAL_AFTER_YEAR.match(seg, m.end()))]
        if own_year is not None:
            years += [(abs(sent.start + m.start() - anchor), own_year + _YEAR_OFFSET[m.lastgroup], sent.start + m.start())
                      for m in _RELATIVE_YEAR.finditer(seg, body)]
        if article.published and status in _HAPPENED:  # "signed a deal in August" (published in January)
            month_now = int(article.published[5:7])
            for m in _MONTH_ALONE.finditer(seg, body):
                month = _MONTHS[m.group(1).lower().rstrip(".")]
                years.append((abs(sent.start + m.start() - anchor), own_year - (month > month_now), sent.start + m.start()))
        if within is not None:
            years = [y for y in years if y[0] <= within]
            return min(years)[1] if years else None
        if years and status != "unknown":
            # "delivered the jets this week, ahead of the schedule set when Manila ordered them in
            # June 2025": a year dates the event whose cue comes last before it (else first after
            # it), not this one.
            cues = self._cues(text, sent)
            def dates_another(p: int) -> bool:
                before = [c for c in cues if c[0] < p]
                at, other = max(before) if before else min(cues, default=(anchor, status))
                return other != status and at != anchor
            years = [y for y in years if not dates_another(y[2])]
        if years:
            return min(years)[1]
        return own_year

    def _cues(self, text: str, sent: Sentence) -> list[tuple[int, str]]:
        """The offsets and statuses of the status cues in the sentence that hold."""
        return [(m.start(), status) for status, rx in self.d.status.items()
                for m in self._finditer(rx, text, sent.start, sent.end)
                if self._cue_holds(text, sent.start, m.start(), status)]

    def _other_events(self, text: str, sent: Sentence, article: Article, status: str, year: int | None,
                      cstart: int, cend: int) -> list[tuple[str, int]]:
        """Further (status, year) events the clause reports of the same relationship, each
        with a year named beside its own cue ("ordered 42 Rafales in 2022, and the first six
        were delivered in February"): a contract and a later delivery are two events."""
        events: list[tuple[str, int]] = []
        for other, rx in self.d.status.items():
            for m in self._finditer(rx, text, cstart, cend):
                if not self._cue_holds(text, cstart, m.start(), other):
                    continue
                when = self._year(text, sent, m.start(), article, other, within=_EVENT_YEAR_CHARS)
                if when is not None and when != year and (other, when) not in events and other != status:
                    events.append((other, when))
        if status != "signed":  # "under a 2024 deal", "no contrato de 2014": the deal was made that year
            for m in _DEAL_YEAR.finditer(text, cstart, cend):
                when = int(m.group("year") or m.group("of_year"))
                if when != year and ("signed", when) not in events:
                    events.append(("signed", when))
        return sorted(events, key=lambda e: (e[1], STATUS_ORDER.index(e[0])))

    def _speculative(self, text: str, sent: Sentence, trig_start: int, in_scenario: bool) -> bool:
        if in_scenario:
            return True
        cstart, _ = self._clause(text, sent, trig_start)
        lead = text[sent.start:min(sent.end, sent.start + 3)]
        if re.match(r"(?:If|Si|Se)\b", lead):
            return True
        window = text[max(cstart, trig_start - 60):trig_start + 1]
        return bool(self.d.speculative.search(window))

    def _code_sentence(self, article: Article, sent: Sentence, actors: list[_Actor],
                       cands: list[Candidate], in_scenario: bool, *, carry: list[str] | None,
                       suppliers_of: dict[str, Counter[str]] | None = None, pair: tuple[str, str] | None = None,
                       host: str | None = None):
        text = article.text
        triggers = self._triggers(text, sent)
        spans = self._equipment(text, sent) if _EQUIPMENT_VERB.search(text, sent.start, sent.end) else []
        for e0, e1, _t, origin in spans:  # "Nigeria received three JF-17s", "Brasil, que opera el Gripen"
            verb = _EQUIPMENT_OBJECT_BEFORE.search(text, max(sent.start, e0 - 40), e0)
            if verb is None or any(t0 <= verb.start() < t1 or t0 < e1 <= t1 for t0, t1, _k in triggers):
                continue
            # only where the buyer is the verb's subject (or subjects: "Portugal y Hungría ya operan el
            # C-390") and its clause names no one else
            subject = next((a for a in reversed(actors) if a.end <= verb.start() and a.source != "place"), None)
            if subject is None or not _SUBJECT_GAP.fullmatch(text, subject.end, verb.start()):
                continue
            buyers = [subject]
            for b in reversed([a for a in actors if a.end <= subject.start]):
                if not _LIST_GAP.fullmatch(text, b.end, buyers[-1].start):
                    break
                buyers.append(b)
            cstart, cend = self._clause(text, sent, verb.start())
            if all(a.country in ({b.country for b in buyers} | set(origin.split("|")))
                   for a in actors if cstart <= a.start < cend):
                triggers = sorted(triggers + [(verb.start(), e1, "arms_transfer")])
        feared = [(m.start(), t1) for t0, t1, kind in triggers if kind == "sanctions"
                  and (m := _FEARED_BEFORE.search(text, max(sent.start, t0 - 60), t0))]
        if feared:  # what is feared is not reported, and whoever would impose it takes no part
            triggers = [t for t in triggers if not any(f0 <= t[0] < f1 for f0, f1 in feared)]
            actors = [a for a in actors if not any(f0 <= a.start < f1 for f0, f1 in feared)]
        generics = [g for g in self._finditer(self.d.generic, text, sent.start, sent.end)
                    if not (g.start() > sent.start and _NAMED_BODY.fullmatch(g.group()))]
        facility_hits = self._facility_hits(text, sent)
        triggers, facility_hits = self._filter_triggers(text, sent, actors, triggers, facility_hits, host)
        if not triggers and not generics and not facility_hits:
            return [], [], []
        denials = list(self._finditer(self.d.denial, text, sent.start, sent.end))
        if denials:  # a denial voids what its own clause reports ("the yard never delivered" voids no contract before it)
            # the deal word a denial is made of ("but no contract has been announced") is no deal, and
            # not what the denial voids
            generics = [g for g in generics if not any(d.start() <= g.start() < d.end() for d in denials)]
            anchors = [t[0] for t in triggers] + [g.start() for g in generics] + [f[0] for f in facility_hits]
            denied = {self._clause(text, sent, d.start(), _RECIPIENT_BREAK) for d in denials}
            if any(self._clause(text, sent, p, _RECIPIENT_BREAK) in denied for p in anchors):
                return [], [], []
        # Countries named for another reason take no part: an alternative turned down ("over
        # Lockheed Martin's F-16"), a neighbour across a border, the place of a visit.
        visits = [(m.start(), m.end()) for rx in (_VISIT, _ATTENDED_BY, _EVENT_VENUE, _ROUTE)
                  for m in rx.finditer(text, sent.start, sent.end)]
        sanctions_here = any(k == "sanctions" for _s, _e, k in triggers)
        actors = [a for a in actors if not _REJECTED_BEFORE.search(text, max(sent.start, a.start - 50), a.start)
                  and not _BORDER_BEFORE.search(text, max(sent.start, a.start - 40), a.start)
                  and not any(v0 <= a.start < v1 for v0, v1 in visits)
                  and not (a.source == "demonym" and (_CAPITAL_BEFORE.search(text, max(sent.start, a.start - 10), a.start) or (
                      _CAPITAL_AFTER.match(text, a.end) and _THE_BEFORE.search(text, max(sent.start, a.start - 6), a.start))))
                  and not (a.source == "capital" and _VENUE_BEFORE.search(text, max(sent.start, a.start - 50), a.start))
                  and not _NO_PART_AFTER.match(text, a.end)
                  and not _FORMER_OWNER_BEFORE.search(text, max(sent.start, a.start - 40), a.start)
                  and not _in_apposition(text, a, actors)
                  and not (not sanctions_here and _AGAINST_BEFORE.search(text, max(sent.start, a.start - 30), a.start))]
        equipment = _equipment_origins(self._equipment(text, sent), actors)
        # Facility phrases decide the kind of triggers they contain ("plant for repair").
        specific: list[tuple[int, int, str]] = []
        for s, e, kind in triggers:
            fac = next((f for f in facility_hits if f[0] <= s < f[1] or s <= f[0] < e), None)
            specific.append((s, e, FACILITY_RELATION[fac[2]] if fac else kind))
        for f in facility_hits:
            if not any(f[0] <= s < f[1] for s, _e, _k in specific):
                specific.append((f[0], f[1], FACILITY_RELATION[f[2]]))
        # Equipment with a transfer verb nearby is an arms transfer trigger in itself.
        specific.sort()
        first_trigger = min([s for s, _e, _k in specific] + [g.start() for g in generics] + [sent.end])
        # Trainees follow the word that says training was given, not a training centre named earlier.
        training_words = [s for s, _e, k in triggers if k == "training" and not any(f[0] <= s < f[1] for f in facility_hits)]
        # a presence is by forces: the maker of the aircraft they fly takes no part
        presence_only = bool(specific) and all(k == "presence" for _s, _e, k in specific)
        sup, rec = self._roles(text, sent, actors, [] if presence_only else equipment, first_trigger,
                               training=any(k == "training" for _s, _e, k in specific), deal_only=all(k == "agreement" for _s, _e, k in specific),
                               training_at=min(training_words or [s0 for s0, _e, k in specific if k == "training"],
                                               default=None),
                               presence=any(k == "presence" for _s, _e, k in specific),
                               industrial=any(k == "industrial" for _s, _e, k in specific),
                               trigger_starts=tuple(s0 for s0, _e, _k in specific), host=host)
        # "Lockheed Martin's F-16 had been the main rival": who lost the contest takes no part in it
        lost = {country for country, start, end in [(a.country, a.start, a.end) for a in actors] + [
            (origin, s0, e0) for s0, e0, _t, origin in ([] if presence_only else equipment)]
            if _LOST_AFTER.match(text, end, sent.end) or _RIVALS_BEFORE.search(text, max(sent.start, start - 60), start)
            } if _LOST_WORD.search(text, sent.start, sent.end) else set()
        actors = [a for a in actors if a.country not in lost]
        for country in lost:
            sup[country] = rec[country] = 0.0
        countries = sorted({a.country for a in actors} | set(sup) - lost)
        kinds_present = {k for _s, _e, k in specific}

        # ---- sanctions: the imposer modifies "sanctions"; the target is anyone else.
        results: list[ReportedRelation] = []
        if "sanctions" in kinds_present:
            results.extend(self._sanctions(article, sent, actors, specific, in_scenario, host))
            specific = [t for t in specific if t[2] != "sanctions"]
            kinds_present.discard("sanctions")
            if not specific and not generics:
                return results, [], []

        imposers = {r.supplier for r in results}
        for c in countries:
            sup[c] += self.d.exporter_share.get(c, 0.0) / 25.0
            if c in imposers:
                sup[c] = 0.0  # the state imposing sanctions is not the one supplying
        supplier = None
        ranked = sorted(countries, key=lambda c: (sup[c] - rec[c], c), reverse=True)
        if ranked and sup[ranked[0]] - rec[ranked[0]] > 0.3:
            supplier = ranked[0]
        elif len(ranked) == 2 and not any(rec.values()) and self.d.exporter_share.get(ranked[0], 0) > \
                self.d.exporter_share.get(ranked[1], 0) and any(_coordinated(text, a, actors, sent.end) for a in actors):
            supplier = ranked[0]  # "India and Vietnam signed …": the exporter is the supplier
        named = {a.country for a in actors}
        dateline = _DATELINE.match(text, sent.start)
        dateline_named = {a.country for a in actors if dateline and a.end <= dateline.end()} - {
            a.country for a in actors if not (dateline and a.end <= dateline.end())}
        # "the two countries signed …", or "India and Vietnam signed …" with no direction of its own
        joint = supplier is None and len(named) == 2 and any(_coordinated(text, a, actors, sent.end) for a in actors)
        both = pair is not None and named <= set(pair) and (
            bool(_BOTH_COUNTRIES.search(text, sent.start, sent.end)) or (joint and named == set(pair)))
        if both:
            supplier, countries, named, ranked = pair[0], [pair[1]], {pair[1]}, [pair[0], pair[1]]
        # a co-supplier, unless it is the host and also receives (Embraer's plant hosting Saab's line)
        co_suppliers = [c for c in ranked[1:] if supplier is not None and sup[c] - rec[c] >= 2.0 and c in named
                        and not (c == host and rec[c] > 0)]
        others = [c for c in countries if c != supplier and c in named and c not in co_suppliers]
        preferred = [c for c in others if rec[c] >= 3 or (
            rec[c] > 0 and self._near_trigger(text, sent, actors, c, specific, generics))]
        if _LIST_CUE.search(text, sent.start, sent.end):
            listed = [a.country for a in actors if a.country in others and _in_list(text, sent, a)]
            if listed:
                preferred = sorted(set(listed) | {c for c in preferred if rec[c] >= 1.5})
        recipients = preferred or [c for c in others if (sup[c] <= 0.5 or (len(others) == 1 and sup[c] < 2))
                                   and self._near_trigger(text, sent, actors, c, specific, generics)]
        if both:
            recipients = [pair[1]]  # "the two countries signed ...": the article's main pair
        if supplier is None and recipients and suppliers_of is not None and _ANAPHOR.search(text, sent.start, sent.end):
            guesses = Counter()
            for r in recipients:
                guesses.update(suppliers_of.get(r, Counter()))
            if len(guesses) == 1:
                supplier = next(iter(guesses))
                recipients = [r for r in recipients if r != supplier]
        if supplier is None and recipients and pair is not None and pair[0] not in recipients \
                and not any(sup[c] > 0 for c in named) and _HARDWARE_ANAPHOR.search(text, sent.start, sent.end):
            supplier = pair[0]  # "Mali, Burkina Faso and Togo have all bought the aircraft": the article's supplier's
        if supplier is None and suppliers_of is None and (
                recipients or joint or (not named and _BOTH_COUNTRIES.search(text, sent.start, sent.end))):
            return None, None, recipients  # left to the second pass
        if supplier is not None and not recipients and carry:
            recipients = [c for c in carry if c != supplier]
        if supplier is not None and not recipients and host and host != supplier and (
                _THE_COUNTRY.search(text, sent.start, sent.end)
                or (all(sup[c] > rec[c] for c in named - dateline_named) and all(k in _HOST_KINDS for _s, _e, k in specific)
                    and not (specific and all(_ORIGIN_ADJECTIVE.match(text, s0) for s0, _e, _k in specific)
                             and not _HOSTS_OWN_FORCE.search(text, sent.start, sent.end))
                    and (specific or any(a.org is not None and self._supplier_side(a.org) for a in actors)))):
            recipients = [host]  # "in the country", or a supplier alone offering or selling: to the article's host
        if supplier is None or not recipients:
            return results, [], recipients
        if not specific and not generics:
            return results, [], recipients

        out: list[ReportedRelation] = list(results)
        facilities: list[ReportedFacility] = []
        suppliers = [supplier] + [c for c in co_suppliers if c not in recipients]
        mentions = {c: [a.start for a in actors if a.country == c] for c in suppliers}

        def owner(t) -> str:  # each trigger goes with the supplier named nearest to it
            return min(suppliers, key=lambda c: (min((abs(t[0] - p) for p in mentions[c]), default=10 ** 6),
                                                 suppliers.index(c)))

        for sup_country in suppliers:
            own = [t for t in specific if owner(t) == sup_country] if len(suppliers) > 1 else specific
            if specific and not own:
                # "frigates from France and Italy, and air defence systems from Germany": a supplier
                # listed after "from" shares the transfer named before it
                listed = [a.start for a in actors if a.country == sup_country
                          and _LISTED_FROM.search(text, max(sent.start, a.start - 60), a.start)]
                own = [max((t for t in specific if t[2] == "arms_transfer" and t[0] < listed[0]), default=None)] \
                    if listed else []
                own = [t for t in own if t is not None]
                # "Japanese and Australian vessels made port calls": joined suppliers share their triggers
                partners = {p.country for a in actors if a.country == sup_country
                            for p in [_joined_partner(text, a, actors)] if p is not None and p.country in suppliers}
                own = own or [t for t in specific if owner(t) in partners]
                if not own:
                    continue
            rels, facs = self._emit(article, sent, actors, cands, in_scenario, sup_country,
                                    [r for r in recipients if r != sup_country], own, generics, equipment,
                                    facility_hits)
            out.extend(rels)
            facilities.extend(facs)
            facility_hits = []  # a facility belongs to the sentence's main supplier
        return out, facilities, recipients

    def _emit(self, article: Article, sent: Sentence, actors: list[_Actor], cands: list[Candidate],
              in_scenario: bool, supplier: str, recipients: list[str], specific, generics, equipment,
              facility_hits) -> tuple[list[ReportedRelation], list[ReportedFacility]]:
        """The relations and facilities one sentence reports for one supplier."""
        text = article.text
        organizations = sorted({a.org.name for a in actors if a.org is not None and a.country in (supplier, *recipients)})
        equipment_names = _dedupe([t for _s, _e, t, origin in equipment])
        pos_of = {c: [a.start for a in actors if a.country == c] for c in recipients}
        out: list[ReportedRelation] = []
        # A deal that names equipment and no other kind is a purchase ("a deal for four Gripen fighters").
        deal_kind = "arms_transfer" if equipment or any(self._deal_for_hardware(text, sent, g) for g in generics) \
            else "agreement"
        trig_list = specific or [(g.start(), g.end(), deal_kind) for g in generics]
        generic = not specific and deal_kind == "agreement"  # a deal naming equipment is a purchase in itself
        for r in recipients:
            if len(recipients) > 1 and len({k for _s, _e, k in trig_list}) > 1:
                def dist(t):
                    if not pos_of.get(r):
                        return (0, 0)
                    same = any(_segment(text, sent, t[0]) == _segment(text, sent, p) for p in pos_of[r])
                    return (0 if same else 1, min(abs(t[0] - p) for p in pos_of[r]))
                nearest = min(trig_list, key=lambda t: (dist(t), t[0]))
                chosen = [nearest]
            else:
                chosen = trig_list
            for kind in _dedupe([k for _s, _e, k in chosen]):
                ts = [t for t in chosen if t[2] == kind]
                anchor = ts[0][0]
                cstart, cend = self._clause(text, sent, anchor)
                status, where = self._status(text, cstart, cend)
                if status == "unknown":
                    status, where = self._status(text, sent.start, sent.end)
                if status in ("unknown", "completed") and kind in _ONGOING_KINDS and any(
                        self._cue_holds(text, cstart, m.start(), "operational")
                        and not _RELATIVE_BEFORE.search(text, max(cstart, m.start() - 8), m.start())
                        for m in self._finditer(self.d.ongoing, text, cstart, cend)):
                    status = "operational"  # "have been stationed there since they arrived in 2024"
                year = self._year(text, sent, where if where is not None else anchor, article, status)
                spec = all(self._speculative(text, sent, t[0], in_scenario) for t in ts)
                in_clause = _dedupe([t for s0, _e, t, _o in equipment if cstart <= s0 < cend])
                kinds_here = {k for _s, _e, k in trig_list}
                gear = in_clause if (in_clause or len(kinds_here) > 1) else equipment_names
                events = [(status, year)]
                if not spec and status != "unknown":
                    events += self._other_events(text, sent, article, status, year, cstart, cend)
                for ev_status, ev_year in events:
                    out.append(ReportedRelation(
                        article.id, supplier, r, kind, ev_status, ev_year, spec,
                        gear if kind in ("arms_transfer", "maintenance", "industrial", "training") else [],
                        organizations, Evidence(article.id, sent.text, sent.start, sent.end, ev_status, ev_year, spec),
                        generic=generic))
        facilities = []
        for fs, fe, fkind in facility_hits:
            host_candidates = [r for r in recipients]
            host = host_candidates[0] if len(host_candidates) == 1 else self._host_near(actors, fs, host_candidates)
            place = self._facility_place(text, cands, sent, host, fs, fe)
            cstart, cend = self._clause(text, sent, fs)
            status, where = self._status(text, cstart, cend)
            if status == "unknown":
                status, where = self._status(text, sent.start, sent.end)
            year = self._year(text, sent, where if where is not None else fs, article, status)
            spec = self._speculative(text, sent, fs, in_scenario)
            operators = sorted({a.org.name for a in actors if a.org is not None and a.country in (supplier, host)})
            gear = _dedupe([t for s0, _e, t, _o in equipment if cstart <= s0 < cend]) or (
                equipment_names if len({k for _s, _e, k in trig_list}) <= 1 else [])
            facilities.append(ReportedFacility(
                article.id, fkind, FACILITY_RELATION[fkind], _facility_name(text, sent, fs, fe),
                supplier, host, place, operators, gear, status, year, spec,
                Evidence(article.id, sent.text, sent.start, sent.end, status, year, spec)))
        return out, facilities

    def _sanctions(self, article: Article, sent: Sentence, actors: list[_Actor],
                   specific, in_scenario: bool, host: str | None = None) -> list[ReportedRelation]:
        text = article.text
        out = []
        imposers = []
        for s, e, kind in specific:
            if kind != "sanctions":
                continue
            for a in actors:
                gap = text[a.end:s]
                if 0 <= s - a.end <= _SANCTION_IMPOSER_GAP and re.fullmatch(r"[\s\w'’-]*", gap) \
                        and not _UNDER.search(gap) and (a.source in ("country", "demonym", "capital") or (
                            a.org is not None and a.org.type == "government_agency")) and len(gap.split()) <= 3:
                    imposers.append(a.country)
            m = re.search(r"\b(?:sanctioned by|sanctions (?:imposed )?by)\s+(?:the\s+)?", text[s:sent.end])
            if m:
                for a in actors:
                    if a.start >= s + m.end() and a.start - (s + m.end()) < 3:
                        imposers.append(a.country)
        # "Slovenia and the Netherlands have restricted exports": joined imposers all impose
        imposers += [p.country for a in actors if a.country in imposers
                     for p in [_joined_partner(text, a, actors)] if p is not None and p.source in ("country", "demonym")]
        first = min(t[0] for t in specific if t[2] == "sanctions")
        if not imposers and _IMPOSED.search(text, max(sent.start, first - 40), first):
            # "Washington lifted … but imposed targeted sanctions on …": the clause's subject imposes them
            subject = next((a for a in actors if a.start < first and a.source != "place"), None)
            if subject is not None:
                imposers.append(subject.country)
        if not imposers:
            return []
        imposing = [c for c, _n in Counter(imposers).most_common()]
        # The target is the object of "sanctions on ...", up to the end of its phrase.
        stop = _SANCTION_OBJECT_END.search(text, first, sent.end)
        object_end = stop.start() if stop else sent.end
        targets = _dedupe([a.country for a in actors if a.country not in imposing and first < a.start < object_end
                           and a.source != "place"])
        if not targets:
            targets = _dedupe([a.country for a in actors if a.country not in imposing])
        if not targets and host is not None and host not in imposing:
            targets = [host]  # "sanctions on President Mnangagwa": the article's country
        if not targets:
            return []
        ts = [t for t in specific if t[2] == "sanctions"]
        spec = all(self._speculative(text, sent, t[0], in_scenario) for t in ts)
        status, where = self._status(text, sent.start, sent.end)
        year = self._year(text, sent, where if where is not None else ts[0][0], article)
        orgs = sorted({a.org.name for a in actors if a.org is not None})
        for imposer in imposing:
            for t in targets:
                out.append(ReportedRelation(article.id, imposer, t, "sanctions", status, year, spec, [], orgs,
                                            Evidence(article.id, sent.text, sent.start, sent.end, status, year, spec)))
        return out

    def _host_near(self, actors: list[_Actor], pos: int, hosts: list[str]) -> str:
        best = min((abs(a.start - pos), a.country) for a in actors if a.country in hosts) if any(
            a.country in hosts for a in actors) else (0, hosts[0])
        return best[1]

    def _facility_place(self, text: str, cands: list[Candidate], sent: Sentence, host: str, start: int,
                        after: int) -> Toponym | None:
        """The most specific place the sentence gives a facility: the place it is "in" ("the Hong Ha
        shipyard in Haiphong"), else a place naming it ("the Kati military camp"), else the first
        one after it, else the last one before."""
        scan = self._scan_of(text)
        in_sentence = scan.candidates(sent) if scan is not None and scan.cands is cands else cands
        inside = [c for c in in_sentence if sent.start <= c.start and c.end <= sent.end and c.choice is not None
                  and c.choice.country == host and not c.demonym]
        local = [c for c in inside if c.choice.kind in ("city", "admin")]
        if local:
            naming = [c for c in local if c.end <= start and re.fullmatch(r"[\s\w'’-]{0,25}", text[c.end:start])
                      and not re.search(r"\b(?:in|at|near|of|en|em|de|del|da|do)\b", text[c.end:start], re.I)]
            following = [c for c in local if c.start >= after]
            located = [c for c in following if re.fullmatch(r"[\s,]*(?:in|at|near|outside|en|em|cerca de|perto de)\s+"
                                                             r"(?:the\s+)?(?:[\w'’-]+\s+){0,2}", text[after:c.start], re.I)]
            pick = (located or naming[-1:] or following or local[-1:])[0]
            if not located and naming and pick is naming[-1]:
                # "Basa Air Base" may be named after a person: a namesake town far from the sentence's
                # other places (the dateline's town) is not where the base is.
                others = [c for c in local if c is not pick]
                if others and all(km(pick.choice.lat, pick.choice.lon, c.choice.lat, c.choice.lon) > 100 for c in others):
                    pick = others[0]
            return self._town_of(pick, text)
        if _IN_THE_CAPITAL.search(text, sent.start, sent.end):  # "at a military academy in the capital"
            capital = next((c for c in cands if c.choice is not None and c.choice.capital and c.choice.country == host
                            and not c.demonym), None)
            if capital is not None:
                return capital.to_toponym()
        country = [c for c in inside if c.choice.kind == "country"]
        return country[0].to_toponym() if country else None

    def _town_of(self, cand: Candidate, text: str) -> Toponym:
        """A facility "in Kaduna" or "en Querétaro" is in the city that shares the state's name,
        unless the text says the state ("the state of Querétaro", "la provincia de Neuquén")."""
        place = cand.to_toponym()
        if cand.choice.kind != "admin" or cand.admin_cue or _AREA_OF.search(text, max(0, cand.start - 30), cand.start):
            return place
        towns = [e for e in self.geoparser.gazetteer.lookup(cand.surface)
                 if e.kind == "city" and e.country == cand.choice.country and e.population >= 10_000]
        if not towns:
            return place
        town = max(towns, key=lambda e: (e.population, e.id))
        return replace(place, name=town.name, lat=town.lat, lon=town.lon, kind="city", precision="city",
                       gazetteer_id=town.id)

    # --------------------------------------------------------------- article settling
    def _settle_generics(self, reading: ArticleReading) -> None:
        """A generic 'contract' or 'deal' joins the pair's specific relation in the article."""
        specific_kinds: dict[tuple[str, str], list[str]] = defaultdict(list)
        for r in reading.relations:
            if not r.generic:
                specific_kinds[(r.supplier, r.recipient)].append(r.kind)
        for r in reading.relations:
            if r.generic:
                kinds = [k for k in specific_kinds.get((r.supplier, r.recipient), []) if k != "sanctions"]
                if kinds:
                    r.kind = Counter(kinds).most_common(1)[0][0]

    def _settle_statuses(self, reading: ArticleReading) -> None:
        """Parts of one deal share its status.

        A part the article gives no status of its own takes the pair's furthest status in the
        article. A part or facility reported only as offered, negotiated or announced takes the
        status of the deal itself (the article's "contract" or "agreement" reports) when that
        has gone further.
        """
        def key(r: ReportedRelation) -> tuple[str, str, bool]:
            return (r.supplier, r.recipient, r.speculative)

        pair = _furthest((key(r), r.status) for r in reading.relations if r.generic or r.kind in _DEAL_PARTS)
        deal = _furthest((key(r), r.status) for r in reading.relations if r.generic)
        for r in reading.relations:
            if r.kind not in _DEAL_PARTS:
                continue
            target = pair.get(key(r)) if r.status == "unknown" else None
            if target is None and r.status in _EARLY and r.kind != "maintenance":
                target = deal.get(key(r))
            _advance(r, target)
        for f in reading.facilities:
            if f.status in _EARLY:
                k = (f.supplier, f.host, f.speculative)
                _advance(f, _furthest([(k, deal.get(k, "unknown")), (k, pair.get(k, "unknown"))]).get(k))


_DEAL_PARTS = ("industrial", "training", "agreement", "maintenance")
_EARLY = ("unknown", "offered", "negotiating", "announced")


def _settle_facility_places(reading: ArticleReading) -> None:
    """A facility report whose sentence names no place ("the maintenance line at the plant")
    refers to the host's facility placed last before it in the article, else to the first
    facility of its kind placed after it (a headline's "at Brazilian shipyard")."""
    placed = sorted((f for f in reading.facilities if f.place is not None), key=lambda f: f.evidence.start)
    for f in reading.facilities:
        if f.place is not None:
            continue
        same_host = [p for p in placed if p.host == f.host and p.supplier == f.supplier]
        before = [p for p in same_host if p.evidence.start < f.evidence.start]
        after = [p for p in same_host if p.evidence.start > f.evidence.start and p.kind == f.kind]
        source = before[-1] if before else (after[0] if after else None)
        if source is not None:
            f.place = source.place


def _later(a: str, b: str) -> bool:
    return STATUS_ORDER.index(a) > STATUS_ORDER.index(b)


def _furthest(items) -> dict:
    """For (key, status) pairs, the furthest known status of each key."""
    out: dict = {}
    for k, status in items:
        if status != "unknown" and _later(status, out.get(k, "unknown")):
            out[k] = status
    return out


def _advance(report: "ReportedRelation | ReportedFacility", status: str | None) -> None:
    """Move a report (and its evidence) on to ``status`` if that is further."""
    if status is not None and _later(status, report.status):
        report.status = status
        report.evidence = replace(report.evidence, status=status)


def _after_apposition(text: str, end: int, before: int | None = None) -> int:
    """Where the words about a name ending at ``end`` go on after an apposition ("Morocco,
    Algeria's regional rival, has ordered ..."), which must close before ``before``."""
    m = _APPOSITION.match(text, end, len(text) if before is None else before)
    return m.end() if m else end


_APPOSITION = re.compile(r"\s*,[^,]{1,60},")


def _in_apposition(text: str, a: "_Actor", actors: list["_Actor"]) -> bool:
    """Whether ``a`` is named in a possessive apposition to another country ("Morocco, Algeria's
    regional rival, has ordered ..."): it describes that country and takes no part itself."""
    return any(b.end < a.start and b.source in ("country", "capital") and b.country != a.country
               and (m := _APPOSITION.match(text, b.end)) is not None and m.end() >= a.end
               and text.startswith(("'s", "’s"), a.end) for b in actors)


def _equipment_origins(equipment: list[tuple[int, int, str, str]], actors: list["_Actor"]) -> list[tuple[int, int, str, str]]:
    """Equipment built by several countries ("FR|IT": the FREMM frigates) comes from the one of
    them the sentence names ("the Italian group ... the FREMM fleet"), else from the first."""
    named = {a.country for a in actors}
    out = []
    for s0, e0, name, origin in equipment:
        if "|" in origin:
            makers = origin.split("|")
            origin = next((m for m in makers if m in named), makers[0])
        out.append((s0, e0, name, origin))
    return out


# ", while Indonesia has ordered …", "; ", ", mientras que …": two reports set side by side
_CONTRAST = re.compile(r",\s+(?:while|whereas|mientras que|mientras|en tanto que|enquanto|ao passo que)\s+|;\s+", re.I)


def _contrasted_clauses(text: str, sentences: list[Sentence], cands: list[Candidate]) -> list[Sentence]:
    """Sentences with a contrast between clauses that each name two countries split into those
    clauses ("Malaysia is receiving FA-50s from South Korea, while Indonesia has ordered Rafales
    from France"): each clause's countries are paired among themselves."""
    starts = [c.start for c in cands]
    out: list[Sentence] = []
    for sent in sentences:
        cuts = [m for m in _CONTRAST.finditer(text, sent.start, sent.end)]
        if not cuts:
            out.append(sent)
            continue
        bounds = [sent.start, *(x for m in cuts for x in (m.start(), m.end())), sent.end]
        parts = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]

        def countries(lo: int, hi: int) -> set[str]:
            return {c.choice.country for c in cands[bisect_left(starts, lo):bisect_left(starts, hi)]
                    if c.choice is not None and c.choice.country and c.end <= hi}
        if len(parts) > 1 and all(len(countries(lo, hi)) >= 2 for lo, hi in parts):
            out.extend(Sentence(lo, hi, text[lo:hi], sent.paragraph) for lo, hi in parts)
        else:
            out.append(sent)
    return out


def _main_host(named: Counter[str], exporter_share: dict[str, float], places: Counter[str] | None = None) -> str | None:
    """The country "in the country" refers to: the one the article names most often, a major
    exporter's mentions counting half (an article from Ankara about Turkish drones in Niger is
    hosted by Niger); each mention of a town or area inside a country counts as a mention of it
    (the article is where its places are)."""
    places = places or Counter()
    weighted = [((n + places[cc]) * (0.5 if exporter_share.get(cc, 0) >= 1 else 1.0), n, cc)
                for cc, n in named.items()]
    return max(weighted)[2] if weighted else None


def _joined(text: str, a: _Actor, actors: list[_Actor]) -> bool:
    """Whether ``a`` is one of two countries joined by "and" ("Russian and Lao troops")."""
    return _joined_partner(text, a, actors) is not None


def _joined_partner(text: str, a: _Actor, actors: list[_Actor]) -> _Actor | None:
    """The other country of "Russian and Lao troops", if ``a`` is one of two joined by "and"."""
    return next((b for b in actors if b.country != a.country and (
        _AND_GAP.fullmatch(text, a.end, b.start) or _AND_GAP.fullmatch(text, b.end, a.start))), None)


def _coordinated(text: str, a: _Actor, actors: list[_Actor], before: int) -> bool:
    """Whether ``a`` is joined by "and" to another country named before ``before``."""
    nxt = next((b for b in actors if b.start >= a.end and b.country != a.country), None)
    if nxt is None or nxt.start >= before:
        return False
    if re.match(r"['’]s?\s", text[nxt.end:nxt.end + 3]) and "," in text[a.end:nxt.start]:
        return False  # "China, Laos' largest creditor, ...": an apposition
    return bool(re.fullmatch(r"(?:['’]s)?\s*(?:and|y|e|,)\s*(?:the\s+)?", text[a.end:nxt.start], re.I))


def _segment(text: str, sent: Sentence, pos: int) -> int:
    """Index of the comma- or semicolon-delimited segment of the sentence holding ``pos``."""
    return len(re.findall(r"[,;:]", text[sent.start:pos]))


def _in_list(text: str, sent: Sentence, a: _Actor) -> bool:
    m = None
    for m in _LIST_CUE.finditer(text, sent.start, a.start):
        pass
    if m is None:
        return False
    between = text[m.end():a.start]
    return bool(re.fullmatch(r"[\s\w,.'’()-]*", between)) and len(between) < 120


def _dedupe(items):
    seen = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen


_NAME_MODIFIERS = re.compile(r"((?:[\w-]+\s+){0,3})$")
_STOP_MODIFIERS = {"the", "a", "an", "its", "their", "this", "that", "of", "in", "for", "regional", "new",
                   "to", "and", "with", "establish", "build", "open", "unveil", "launch", "is", "was"}


_FACILITY_MODIFIERS = {
    "drone", "uav", "helicopter", "vehicle", "aircraft", "ammunition", "munitions", "maintenance", "repair",
    "assembly", "production", "training", "naval", "air", "military", "tracking", "ground", "satellite",
    "support", "logistics", "tank", "armoured", "armored", "shipbuilding", "missile", "radar", "engine",
    "overhaul", "servicing", "space", "aerospace", "rifle", "weapons", "arms", "submarine", "frigate", "mro",
}


def _facility_name(text: str, sent: Sentence, start: int, end: int) -> str:
    before = text[max(sent.start, start - 60):start]
    words = before.split()
    mods: list[str] = []
    for w in reversed(words[-3:]):
        if w.lower() in _STOP_MODIFIERS or not re.fullmatch(r"[\w-]+", w) or (w[:1].isupper() and not re.search(r"\d|-", w)):
            break
        if not (re.search(r"\d|-", w) or w.lower() in _FACILITY_MODIFIERS):
            break  # "started building drone factory": only words that say what the facility is
        mods.insert(0, w)
    name = " ".join(mods + [text[start:end]])
    return name[:1].upper() + name[1:]


def read_article(article: Article, extractor: Extractor | None = None) -> ArticleReading:
    """Read one article with the default extractor."""
    return (extractor or Extractor()).read(article)
