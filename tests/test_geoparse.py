"""The geoparser on the hard cases, with the real gazetteer."""

from __future__ import annotations

import pytest

from geomap.geoparse import Geoparser


@pytest.fixture(scope="module")
def parser(gazetteer):
    return Geoparser(gazetteer)


def _find(parser, text, surface):
    return [t for t in parser.parse(text) if t.text.rstrip("’'").removesuffix("'s") == surface]


def test_lima_peru_by_default_and_lima_ohio_when_qualified(parser):
    peru = _find(parser, "The delegation landed in Lima on Monday for talks with the government.", "Lima")
    assert peru and peru[0].country == "PE"
    ohio = _find(parser, "A plant in Lima, Ohio, builds the Abrams tank.", "Lima")
    assert ohio and ohio[0].country == "US" and abs(ohio[0].lat - 40.74) < 0.3


def test_lima_in_an_ohio_story_without_qualifier(parser):
    text = "Ohio lawmakers visited the tank plant. Workers in Lima said the Ohio contract saved jobs."
    lima = _find(parser, text, "Lima")
    assert lima and lima[0].country == "US"


def test_georgia_country_in_world_news_state_in_us_news(parser):
    world = _find(parser, "Moscow is wary as US ally Georgia seeks to join NATO, officials in Tbilisi said.", "Georgia")
    assert world and world[0].country == "GE"
    us = _find(parser, "Gainesville police said the Atlanta suspect fled Georgia for Florida.", "Georgia")
    assert us and us[0].country == "US"


def test_paris_france_unless_texas_context(parser):
    assert _find(parser, "Ministers met in Paris to discuss the Rafale order.", "Paris")[0].country == "FR"
    texas = _find(parser, "Lamar County officials in Paris, Texas, approved the new hospital.", "Paris")
    assert texas and texas[0].country == "US"


def test_washington_as_government_is_the_city(parser):
    tops = _find(parser, "Washington reacted coldly to the deal, while Brussels stayed silent.", "Washington")
    assert tops and tops[0].kind == "city" and abs(tops[0].lat - 38.9) < 0.3


def test_demonyms_resolve_to_their_country(parser):
    tops = {t.text: t.country for t in parser.parse("Turkish drones and South Korean tanks were shown to Peruvian officers.")}
    assert tops == {"Turkish": "TR", "South Korean": "KR", "Peruvian": "PE"}


def test_demonyms_match_as_written_accents_included(parser):
    tops = {t.text: t.country for t in parser.parse(
        "Técnicos de IAI trabajan en la base Germán Olano; Frances Reyes, de la Fuerza Aérea Francesa, lo confirmó.")}
    assert "Germán" not in tops and "Frances" not in tops and tops.get("Francesa") == "FR"


def test_country_names_are_places_not_demonyms(parser):
    """No demonym form is spelt like a country's name: "India" and "Estonia" are the countries, and
    a build without demonyms keeps them (Spanish "la Armada india" is an adjective, but written
    like the country)."""
    from geomap.geoparse import Geoparser

    text = "Outbreaks were reported in India, Estonia, Eritrea, Namibia and Croatia."
    plain = Geoparser(parser.gazetteer, demonyms=False)
    for p in (parser, plain):
        tops = {t.text: (t.country, t.kind) for t in p.parse(text)}
        assert tops == {"India": ("IN", "country"), "Estonia": ("EE", "country"), "Eritrea": ("ER", "country"),
                        "Namibia": ("NA", "country"), "Croatia": ("HR", "country")}


def test_spanish_and_portuguese_common_words_and_articles(parser):
    es = [(t.text, t.country, t.kind) for t in parser.parse(
        "El Perú firmó un acuerdo con Rusia. Según el Congreso, Washington amplía las sanciones.", "es")]
    assert es == [("Perú", "PE", "country"), ("Rusia", "RU", "country"), ("Washington", "US", "city")]
    pt = [t.text for t in parser.parse("Para analistas do setor, a Marinha opera no Centro de Lançamento.", "pt")]
    assert "Para" not in pt and "Centro" not in pt

    es = [t.text for t in parser.parse("Analistas recordaron que la Marina ya había evaluado propuestas. "
                                       "Viajó a la Habana.", "es")]
    assert es == ["Habana"]  # "la Marina" is the navy, not Marina, California


def test_place_before_a_locative_suffix(parser):
    text = "A Tehran-based firm, the Abu Dhabi-based EDGE Group and a London-born analyst."
    tops = [(t.text, t.country, t.start, t.end) for t in parser.parse(text)]
    assert tops == [(name, cc, text.index(name), text.index(name) + len(name))
                    for name, cc in (("Tehran", "IR"), ("Abu Dhabi", "AE"), ("London", "GB"))]


def test_person_named_like_a_place_is_not_a_place(parser):
    tops = {t.text for t in parser.parse("Colonel Jorge Zapata Vargas met Peruvian President Alan Garcia in Lima.")}
    assert "Vargas" not in tops and "Garcia" not in tops and "Lima" in tops
    # a given name before a surname that is also a town: "Hugo" (Oklahoma) and "Chávez" (Mexico)
    tops = {t.text for t in parser.parse("The rifle plant that Hugo Chávez promised in 2006 was never finished, "
                                         "and Florence Parly visited Madrid in March.")}
    assert not tops & {"Hugo", "Chávez", "Florence"} and "Madrid" in tops


def test_spanish_and_portuguese_country_names(parser):
    found = {t.text: t.country for t in parser.parse(
        "Guinea Ecuatorial recibió dos patrulleras; Kenia y Yibuti firmaron acuerdos con Sudáfrica.", language="es")}
    assert found == {"Guinea Ecuatorial": "GQ", "Kenia": "KE", "Yibuti": "DJ", "Sudáfrica": "ZA"}
    found = {t.text: t.country for t in parser.parse(
        "A Guiné Equatorial e o Quénia compraram lanchas ao Vietname.", language="pt")}
    assert found == {"Guiné Equatorial": "GQ", "Quénia": "KE", "Vietname": "VN"}


def test_hyphenated_district_and_regions(parser):
    tops = {t.text: t for t in parser.parse(
        "The plant is located in the district of Lurigancho-Chosica, Lima, far from the Andes and the Sahel.")}
    assert tops["Lurigancho-Chosica"].kind == "admin" and tops["Lurigancho-Chosica"].country == "PE"
    assert tops["Andes"].kind == "region" and tops["Sahel"].kind == "region"


def test_sentence_initial_common_words_are_not_places(parser):
    tops = {t.text for t in parser.parse("We met them. For years, Western suppliers ignored the region. The deal stalled.")}
    assert tops == set()


def test_geocoder_has_geopys_shape(gazetteer):
    from geopy.location import Location

    loc = gazetteer.geocode("Lima, Ohio")
    assert isinstance(loc, Location) and loc.raw["country"] == "US"
    assert gazetteer.geocode("Lima").raw["country"] == "PE"
    assert len(gazetteer.geocode("Lima", exactly_one=False)) > 1
    assert gazetteer.geocode("Nowhereville Qxz") is None
    assert gazetteer.geocode("Georgia", country_codes="US").raw["kind"] == "admin"


def test_index_cache_rebuilds_when_corrupt_and_drops_stale_versions(tmp_path, monkeypatch):
    from geomap.geocode import gazetteer as gz

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path))
    stale = tmp_path / "gazetteer-v0-old.pickle"
    stale.write_bytes(b"old")
    current = tmp_path / f"gazetteer-{gz._cache_key()}.pickle"
    current.write_bytes(b"\x80\x05 truncated")
    fresh = gz.GeoNamesGazetteer()
    assert fresh.geocode("Caracas").raw["country"] == "VE"
    assert not stale.exists()
    assert current.stat().st_size > 1_000_000
    assert gz.GeoNamesGazetteer().geocode("Lima").raw["country"] == "PE"  # loads the rebuilt index


def test_countries_sit_at_the_centre_of_their_main_territory(gazetteer):
    """GeoNames and Wikipedia, which geoparsing is scored against, put a country near the middle
    of its main territory; the point also lies on the country itself (Vietnam's centroid falls
    in Laos and is moved onto Vietnam)."""
    from shapely.geometry import Point, shape

    from geomap.geocode.gazetteer import km
    from geomap.resources import read_json

    us = gazetteer.lookup("United States")[0]
    assert km(us.lat, us.lon, 39.76, -98.5) < 161  # GeoNames: the centre of the contiguous states
    africa = gazetteer.lookup("Africa")[0]
    assert (africa.lat, africa.lon) == (7.1881, 21.09375)  # GeoNames' continent point
    for feature in read_json("countries.geojson")["features"]:
        code = feature["properties"].get("iso_a2")
        country = gazetteer.country(code) if code else None
        if country is not None:
            assert shape(feature["geometry"]).buffer(0.01).contains(Point(country.lon, country.lat)), code


def test_place_names_inside_media_and_agency_names_are_not_places(parser):
    text = ("The ministers arrived for the meeting of the Asia Pacific Economic Cooperation forum in Lima on "
            "Friday, according to a report in the Los Angeles Times. A spokesman for the Canadian Food "
            "Inspection Agency said the ban would stay, and the U.S. Environmental Protection Agency was "
            "expected to agree with the decision later this month.")
    tops = [t.text for t in parser.parse(text)]
    assert "Asia Pacific" not in tops and "Los Angeles" not in tops and "Canadian" not in tops
    assert "Lima" in tops and "U.S." in tops  # a country's own agency still names the country


def test_ap_state_abbreviations_keep_their_dot_and_qualify_the_town(parser):
    tops = parser.parse("CHARLESTON, W.Va. -- Plants in Bloomington, Ind., and Wichita, Kan. will close.")
    by_text = {t.text: t for t in tops}
    assert {"W.Va.", "Ind.", "Kan."} <= set(by_text)
    assert by_text["Kan."].name == "Kansas" and by_text["Ind."].name == "Indiana"
    assert by_text["Wichita"].country == "US" and abs(by_text["Wichita"].lat - 37.69) < 0.3


def test_states_spelt_like_common_words_are_places_and_generic_province_names_are_not(parser):
    tops = {t.text: t for t in parser.parse(
        "Health officials in California and Texas reported new cases, and Florida followed. "
        "In Ghana, officials of the Central region and the Western region met.")}
    assert tops["California"].kind == "admin" and tops["Texas"].kind == "admin" and tops["Florida"].kind == "admin"
    assert "Central" not in tops and "Western" not in tops


def test_england_and_scotland_are_areas_of_the_united_kingdom(parser):
    tops = {t.text: t for t in parser.parse("Swans died at a farm near Norwich, England, and later in Perth, Scotland.")}
    assert tops["England"].kind == "admin" and tops["England"].country == "GB"
    assert tops["Scotland"].kind == "admin" and tops["Scotland"].country == "GB"
    assert tops["Norwich"].country == "GB" and tops["Perth"].country == "GB"  # not Connecticut, not Australia


def test_a_town_and_its_county_choose_each_other(parser):
    """Neither name alone says which state: Gainesville alone is Florida's, Hall County alone
    Nebraska's; together they are the Georgia pair, as are Huntsville and Walker County in Texas."""
    tops = {t.text: t for t in parser.parse(
        "Deputies from Hall County arrested the driver on Tuesday. He was taken to the jail in Gainesville.")}
    assert tops["Gainesville"].country == "US" and abs(tops["Gainesville"].lat - 34.30) < 0.2
    assert abs(tops["Hall County"].lat - 34.3) < 0.3
    tops = {t.text: t for t in parser.parse(
        "The inmate was moved to the prison unit in Huntsville, officials in Walker County said.")}
    assert abs(tops["Huntsville"].lat - 30.72) < 0.2 and abs(tops["Huntsville"].lon + 95.55) < 0.2


def test_archipelagos_are_one_territory_and_distant_states_are_not(gazetteer):
    """A country's centre counts the islands chained to its main territory: New Zealand's two
    islands, Canada's Arctic islands, Indonesia's archipelago (not Borneo alone); Alaska and
    Hawaii stay out of the United States' centre."""
    from geomap.geocode.gazetteer import km

    def centre(code):
        country = gazetteer.country(code)
        return country.lat, country.lon

    assert km(*centre("NZ"), -42.0, 174.0) < 161  # GeoNames' and Wikipedia's point
    assert km(*centre("CA"), 60.0, -96.0) < 161
    assert km(*centre("ID"), -2.5, 118.0) < 250  # between Borneo, Java and Sulawesi
    assert km(*centre("US"), 39.76, -98.5) < 161


def test_an_enumeration_is_not_a_chain_of_qualifiers(parser):
    """"China, Japan" inside a list of countries is not the town of China in Japan, while a chain
    in which each name contains the one before qualifies it."""
    tops = {t.text: t for t in parser.parse(
        "Health officials in Mexico, China, Japan, Ukraine and Brazil also report cases.")}
    assert {tops[n].kind for n in ("Mexico", "China", "Japan", "Ukraine", "Brazil")} == {"country"}
    assert tops["China"].country == "CN"
    paris = _find(parser, "The clinic in Paris, Texas, United States, reopened.", "Paris")
    assert paris and paris[0].country == "US"


def test_a_state_named_as_a_state_is_the_state(parser):
    tops = _find(parser, "The first case was a cow born in Canada and found at a Washington state farm.", "Washington")
    assert tops and tops[0].kind == "admin" and abs(tops[0].lat - 47.4) < 1.0


def test_remembered_runs_give_the_same_output_as_a_fresh_parser(gazetteer):
    """The memo of names seen in earlier texts never changes what a text yields."""
    text = "Lamar County officials in Paris, Texas, met March Jones. Paris police and the U.S. Army said so."
    fresh = Geoparser(gazetteer).parse(text)
    used = Geoparser(gazetteer)
    for other in ("Police in Paris arrested a man.", "March in Lamar County was dry.", "Jones of Texas, U.S."):
        used.parse(other)
    assert used.parse(text) == fresh == used.parse(text)


def test_a_countrys_name_is_the_country_not_its_namesake_inside_it(parser):
    """In a text about Mexican states, "Mexico" is still the country, not the State of Mexico
    or Mexico City; "Kuwait" is the country, not Kuwait City."""
    tops = {t.text: t for t in parser.parse(
        "Drug violence in Guerrero and Sinaloa has hurt Acapulco. The outbreak in Mexico caused 89 deaths.")}
    assert tops["Mexico"].kind == "country" and tops["Guerrero"].kind == "admin"
    kuwait = _find(parser, "Flights from Kuwait to Baghdad resumed.", "Kuwait")
    assert kuwait and kuwait[0].kind == "country"


def test_an_area_named_far_away_in_the_text_does_not_place_a_town_in_it(parser):
    """Rome near "New York state" could be Rome, NY; four paragraphs apart, it is Rome."""
    filler = " ".join(["The virus does not make people sick, the scientists said again in their statement."] * 8)
    text = (f"Juan Lubroth of the Food and Agriculture Organization in Rome explained the findings. {filler}\n"
            "Samples were later sent to a laboratory in New York state for more tests.")
    rome = _find(parser, text, "Rome")
    assert rome and rome[0].country == "IT"
    near = _find(parser, "Samples from Rome were sent to a laboratory in New York state.", "Rome")
    assert near and near[0].country == "US"


def test_capitalised_words_are_the_tokens_that_begin_with_a_capital():
    """The quick scan for capitalised words finds exactly the tokenizer's words that start
    with a capital at the start of a word, dotted abbreviations and compounds included."""
    import re
    from pathlib import Path

    from geomap.geoparse import _CAPITALISED_RE
    from geomap.text import TOKEN_RE

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] + [
        "The U.S.-led coalition, U.S.A. forces and the U.S Army met in Lurigancho-Chosica; x-Ray, "
        "O'Neill's D'Arcy-Smith, São Paulo, ÁNGEL, e.g. Mi-17s, 3Com, iPhone, McAllen's A.B.C.D and Ψ."]
    for text in texts:
        expected = [m.span() for m in TOKEN_RE.finditer(text) if m.group()[:1].isupper()
                    and not re.search(r"[^\W_][-'’]?\Z", text[:m.start()])]
        assert [m.span() for m in _CAPITALISED_RE.finditer(text)] == expected


def test_a_country_named_in_the_same_sentence_speaks_for_its_place(parser):
    """Chile, named more in the article and with a town of its own, does not pull Colombia's
    Cartagena to Chile's small namesake."""
    text = ("In Chile, an icebreaker was built by the state yard at Talcahuano for the Chilean Navy, while "
            "Colombia's COTECMAR is building its own frigates at Cartagena with Dutch design support.")
    assert [t.country for t in _find(parser, text, "Cartagena")] == ["CO"]


def test_heads_of_longer_spanish_names_and_their_tails_are_not_places(parser):
    """"Laguna de Nejapa" and "Puerto Cabezas" are names the gazetteer lacks: neither their head
    nor their tail is another place; "el puerto de Corinto" is Corinto's port."""
    text = ("La estación está junto a la Laguna de Nejapa, en las afueras de Managua, y la fragata atracó en el "
            "puerto de Corinto tras pasar por Puerto Cabezas.")
    got = [(t.text, t.country) for t in parser.parse(text, "es")]
    assert ("Managua", "NI") in got and ("Corinto", "NI") in got
    assert not any(name in ("Laguna", "Nejapa", "Puerto", "Cabezas") for name, _cc in got)


def test_a_capital_named_bare_is_the_city_not_its_province(parser):
    """Ankara and Istanbul are also provinces named after them; bare, they are the cities, and
    the provinces only with an area cue. Nigeria's states are written "Niger State"."""
    text = "Talks in Ankara were followed by a visit to a shipyard in Istanbul."
    assert [t.kind for t in _find(parser, text, "Ankara") + _find(parser, text, "Istanbul")] == ["city", "city"]
    province = _find(parser, "Wheat is grown across the province of Ankara.", "Ankara")
    assert province and province[0].kind == "admin"
    niger = _find(parser, "The air base at Kainji, near New Bussa in Niger State, will host the hangar.", "Niger")
    assert niger and niger[0].country == "NG"


def test_a_common_noun_and_its_adjective_name_a_body_not_a_town(parser):
    """"Guarda Costeira", "Guardia Civil": not Guarda (Portugal) nor La Guardia (Spain); the town
    named alone still is one."""
    for text, lang in (("O navio foi entregue à Guarda Costeira de Cabo Verde na Praia.", "pt"),
                       ("La Guardia Civil patrulla el puerto de Ceuta.", "es")):
        got = [t.text for t in parser.parse(text, lang)]
        assert not any("Guard" in name for name in got), got
    assert [t.country for t in parser.parse("Ele nasceu na Guarda e mudou-se para o Porto.", "pt")] == ["PT", "PT"]


def test_an_acronym_after_the_words_it_abbreviates_is_no_town(parser):
    """"(FANA)" after "Força Aérea Nacional Angolana" is no Fana, Mali; a country's acronym after
    its name ("(DRC)") still names it."""
    got = [(t.text, t.country) for t in parser.parse(
        "A Força Aérea Nacional Angolana (FANA) assinou o contrato em Luanda.", "pt")]
    assert ("Luanda", "AO") in got and not any(name == "FANA" for name, _cc in got)
    drc = _find(parser, "Troops from the Democratic Republic of the Congo (DRC) crossed the border.", "DRC")
    assert drc and drc[0].country == "CD"
