"""The knowledge base (evenhand.kb): its data, its validation and its lookups."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from evenhand.errors import ConfigError
from evenhand.kb import (
    KB_DIR,
    MEDIA_TYPES,
    ORGANIZATION_TYPES,
    ROLES,
    KnowledgeBase,
    load_kb,
)
from evenhand.kb.loader import FILES


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


# -- loading and validation -----------------------------------------------------------------


def test_load_is_cached(kb: KnowledgeBase) -> None:
    assert load_kb() is kb


def test_country_codes_are_valid_and_unique() -> None:
    raw = yaml.safe_load((KB_DIR / "countries.yaml").read_text(encoding="utf-8"))
    codes = [entry["code"] for entry in raw["countries"]]
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes)
    assert len(codes) == len(set(codes))


def test_country_coverage(kb: KnowledgeBase) -> None:
    assert len(kb.countries) >= 190
    members = [c for c in kb.countries.values() if c.status == "member"]
    assert len(members) == 193
    for code in ("TWN", "XKX", "PSE", "HKG"):
        assert code in kb.countries
    assert kb.country("HKG").status == "territory" and kb.country("HKG").sovereign == "CHN"
    for country in members:
        assert country.adjectives and country.demonyms and country.capitals, country.code


def test_news_heavy_countries_have_institutions(kb: KnowledgeBase) -> None:
    g20 = ["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR",
           "MEX", "RUS", "SAU", "ZAF", "TUR", "GBR", "USA"]
    for code in [*g20, "UKR", "ISR", "IRN", "PRK", "SYR", "TWN", "PSE"]:
        assert kb.country(code).institutions, code
    for code in ("USA", "GBR", "FRA", "RUS", "CHN"):  # the permanent members
        roles = {inst.role for inst in kb.country(code).institutions}
        assert {"government", "military", "legislature", "intelligence", "party"} <= roles, code


def test_every_name_resolves_to_its_own_entry(kb: KnowledgeBase) -> None:
    for country in kb.countries.values():
        names = (country.name, country.official, *country.aliases, *country.abbreviations,
                 *country.adjectives, *country.demonyms, *country.capitals, *country.metonyms)
        for name in names:
            assert country.code in kb.countries_for(name), (country.code, name)
        for inst in country.institutions:
            for name in (inst.name, *inst.aliases, *inst.abbreviations):
                same = kb.institution_for(name, allow_ambiguous=True) is inst
                assert same or name in inst.ambiguous, (inst.name, name)
    for outlet in kb.media:
        for name in (outlet.name, *outlet.aliases, *outlet.abbreviations):
            same = kb.media_for(name, allow_ambiguous=True) is outlet
            assert same or name in outlet.ambiguous, (outlet.name, name)
    for org in kb.organizations:
        for name in (org.name, *org.aliases, *org.abbreviations):
            assert kb.organization_for(name, allow_ambiguous=True) is org, (org.name, name)


def test_no_name_names_two_countries_unless_flagged(kb: KnowledgeBase) -> None:
    for country in kb.countries.values():
        names = (country.name, *country.aliases, *country.adjectives, *country.demonyms,
                 *country.capitals)
        for name in names:
            codes = kb.countries_for(name)
            if len(codes) > 1:
                assert all(name in kb.country(c).ambiguous for c in codes), name
                assert kb.country_for(name, allow_ambiguous=True) is None


def test_references_and_types_are_valid(kb: KnowledgeBase) -> None:
    names = {org.name for org in kb.organizations}
    for outlet in kb.media:
        assert outlet.country in kb.countries and outlet.type in MEDIA_TYPES
    for org in kb.organizations:
        assert org.type in ORGANIZATION_TYPES and org.role in ROLES
        assert org.parent is None or org.parent in names
        assert org.country is None or org.country in kb.countries
    assert set(kb.titles.roles.values()) - {None} <= set(ROLES)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(KB_DIR / name, tmp_path / name)
    return tmp_path


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copy_loads(kb_copy: Path) -> None:
    assert len(load_kb(kb_copy).countries) == len(load_kb().countries)


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("countries.yaml", "- {code: ALB, name: Albania,", "- {code: ALB, colour: red, name: Albania,",
     r"countries\.yaml: countries\[\d+\] \(ALB\): unknown key\(s\) colour"),
    ("countries.yaml", "- {code: ALB,", "- {code: AFG,",
     r"countries\.yaml: .*duplicate code 'AFG'"),
    ("countries.yaml", "- {code: ALB,", "- {code: Alb,", r"countries\.yaml: .*'Alb' is not three"),
    ("countries.yaml", "- {code: ALB,", "- {code: AL,", r"countries\.yaml: .*'AL' is not three"),
    ("countries.yaml", "adjectives: [Albanian],", "adjectives: [Albanian, Chinese],",
     r"countries\.yaml: 'chinese' names several entries \(country ALB, country CHN\)"),
    ("countries.yaml", "  - {name: Zhongnanhai, role: government,",
     "  - {name: Zhongnanhai, role: palace,", r"institution.*Zhongnanhai.*'role' is 'palace'"),
    ("countries.yaml", "capitals: [Tirana, Tirane]}",
     "capitals: [Tirana, Tirane], ambiguous: [Rome]}",
     r"ambiguous name\(s\) Rome are not names of this entry"),
    ("media.yaml", "- {name: Xinhua, country: CHN,", "- {name: Xinhua, country: XXX,",
     r"media\.yaml: media\[\d+\] \(Xinhua\): unknown country 'XXX'"),
    ("media.yaml", "type: state_media, medium: agency,\n   aliases: [Xinhua",
     "type: propaganda, medium: agency,\n   aliases: [Xinhua", r"media\.yaml: .*Xinhua.*'type'"),
    ("media.yaml", "aliases: [Xinhua News Agency, New China News Agency]",
     "aliases: [Xinhua News Agency, New China News Agency, CCTV]",
     r"media\.yaml: 'cctv' names several entries"),
    ("organizations.yaml", "- {name: UN Women, type: intergovernmental, parent: United Nations}",
     "- {name: UN Women, type: intergovernmental, parent: League of Nations}",
     r"organizations\.yaml: .*UN Women.*unknown parent 'League of Nations'"),
    ("organizations.yaml", "aliases: [Nato,", "aliases: [Kremlin, Nato,",
     r"'kremlin' names .* mark it ambiguous in both"),
    ("titles.yaml", "  diplomat: [ambassador,", "  diplomat: [minister, ambassador,",
     r"titles\.yaml: titles: 'minister' is listed under minister_or_ministry and diplomat"),
    ("titles.yaml", "  diplomat: [ambassador,", "  diplomats: [ambassador,",
     r"titles\.yaml: titles: unknown key\(s\) diplomats"),
    ("countries.yaml", "countries:\n- code: AFG", "countries:\n- code: [AFG",
     r"countries\.yaml: invalid YAML"),
])
def test_invalid_data_is_a_config_error(kb_copy: Path, name: str, old: str, new: str,
                                        message: str) -> None:
    _edit(kb_copy, name, old, new)
    with pytest.raises(ConfigError, match=message):
        load_kb(kb_copy)


def test_missing_file_is_a_config_error(kb_copy: Path) -> None:
    (kb_copy / "media.yaml").unlink()
    with pytest.raises(ConfigError, match=r"media\.yaml: cannot read"):
        load_kb(kb_copy)


# -- countries --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("Chinese", "CHN"), ("China", "CHN"), ("China's", "CHN"), ("PRC", "CHN"), ("Beijing", "CHN"),
    ("Sino-", "CHN"), ("U.S.", "USA"), ("US", "USA"), ("U.S", "USA"), ("USA", "USA"),
    ("America", "USA"), ("the United States", "USA"), ("United States of America", "USA"),
    ("Americans", "USA"), ("Washington", "USA"), ("White House", "USA"), ("Pentagon", "USA"),
    ("Britain", "GBR"), ("UK", "GBR"), ("U.K.", "GBR"), ("United Kingdom", "GBR"),
    ("British", "GBR"), ("Downing Street", "GBR"), ("Russians", "RUS"), ("Moscow", "RUS"),
    ("Kremlin", "RUS"), ("Duma", "RUS"), ("Bundestag", "DEU"), ("Élysée", "FRA"),
    ("Elysee", "FRA"), ("Frenchmen", "FRA"), ("Kyiv", "UKR"), ("Kiev", "UKR"),
    ("Zhongnanhai", "CHN"), ("People's Liberation Army", "CHN"), ("PLA", "CHN"),
    ("Ivory Coast", "CIV"), ("Cote d'Ivoire", "CIV"), ("St Lucia", "LCA"), ("St. Lucia", "LCA"),
    ("Türkiye", "TUR"), ("Turkiye", "TUR"), ("Burma", "MMR"), ("DPRK", "PRK"),
    ("North Korean", "PRK"), ("South Korea", "KOR"), ("Taiwanese", "TWN"), ("Taipei", "TWN"),
    ("Kosovar", "XKX"), ("Palestinians", "PSE"), ("Gaza", "PSE"), ("Hamas", "PSE"),
    ("Hong Kong", "HKG"), ("Israeli", "ISR"), ("IDF", "ISR"), ("Knesset", "ISR"),
    ("Iranian", "IRN"), ("IRGC", "IRN"), ("Syrian", "SYR"), ("DRC", "COD"),
    ("the Chinese foreign ministry", "CHN"), ("Ukraine's defence ministry", "UKR"),
])
def test_country_for(kb: KnowledgeBase, text: str, code: str) -> None:
    assert kb.country_for(text) == code


@pytest.mark.parametrize("text", ["us", "Us", "who", "the", "", "Narnia", "ministry", "sino"])
def test_country_for_unknown(kb: KnowledgeBase, text: str) -> None:
    assert kb.country_for(text) is None


def test_ambiguous_country_names(kb: KnowledgeBase) -> None:
    assert kb.country_for("Georgia") is None
    assert kb.country_for("Georgia", allow_ambiguous=True) == "GEO"
    assert kb.country_for("Georgian") == "GEO"
    assert set(kb.countries_for("Korea")) == {"PRK", "KOR"}
    assert set(kb.countries_for("Congo")) == {"COG", "COD"}
    assert kb.country_for("Korea", allow_ambiguous=True) is None
    assert kb.country_for("Congolese", allow_ambiguous=True) is None
    assert kb.country_for("Indo-") is None  # also "Indo-Pacific"


def test_countries_in_compound(kb: KnowledgeBase) -> None:
    assert kb.countries_in_compound("Sino-US") == ("CHN", "USA")
    assert kb.countries_in_compound("Russia-Ukraine") == ("RUS", "UKR")
    assert kb.countries_in_compound("US-led") == ("USA",)
    assert kb.countries_in_compound("Guinea-Bissau") == ("GNB",)
    assert kb.countries_in_compound("Indo-Pacific") == ()


# -- institutions, media, organisations -------------------------------------------------------


def test_institution_for(kb: KnowledgeBase) -> None:
    kremlin = kb.institution_for("Kremlin")
    assert kremlin and kremlin.country == "RUS" and kremlin.role == "government"
    assert kremlin.actor_role == "head_of_state_or_government"
    assert kb.institution_for("the Kremlin") is kremlin
    pla = kb.institution_for("PLA")
    assert pla and (pla.country, pla.role) == ("CHN", "military")
    assert kb.institution_for("pla") is None
    fed = kb.institution_for("Fed")
    assert fed and fed.role == "central_bank" and kb.institution_for("fed") is None
    assert kb.institution_for("Ministry of Defence") is None  # generic without a country
    assert kb.institution_for("Senate") is None  # flagged ambiguous
    senate = kb.institution_for("Senate", allow_ambiguous=True)
    assert senate and senate.country == "USA"


@pytest.mark.parametrize(("text", "code", "role"), [
    ("Chinese Foreign Ministry", "CHN", "ministry"),
    ("the Russian Defence Ministry", "RUS", "ministry"),
    ("Ministry of Defence of Ukraine", "UKR", "ministry"),
    ("Ukraine's army", "UKR", "military"),
    ("Iranian parliament", "IRN", "legislature"),
    ("the US embassy", "USA", "diplomatic_mission"),
    ("Japanese government", "JPN", "government"),
])
def test_generic_institutions(kb: KnowledgeBase, text: str, code: str, role: str) -> None:
    inst = kb.institution_for(text)
    assert inst and inst.generic and (inst.country, inst.role) == (code, role)


@pytest.mark.parametrize(("text", "country", "kind"), [
    ("CCTV", "CHN", "state_media"), ("CGTN", "CHN", "state_media"),
    ("Xinhua", "CHN", "state_media"), ("People's Daily", "CHN", "state_media"),
    ("Global Times", "CHN", "state_media"), ("China Daily", "CHN", "state_media"),
    ("RT", "RUS", "state_media"), ("Russia Today", "RUS", "state_media"),
    ("TASS", "RUS", "state_media"), ("Sputnik", "RUS", "state_media"),
    ("RIA Novosti", "RUS", "state_media"), ("Rossiya 1", "RUS", "state_media"),
    ("Channel One Russia", "RUS", "state_media"), ("Press TV", "IRN", "state_media"),
    ("IRNA", "IRN", "state_media"), ("Fars", "IRN", "state_media"), ("KCNA", "PRK", "state_media"),
    ("Anadolu", "TUR", "state_media"), ("TRT World", "TUR", "state_media"),
    ("Al Jazeera", "QAT", "state_media"), ("Al-Manar", "LBN", "party_media"),
    ("Yonhap", "KOR", "public_media"), ("BBC", "GBR", "public_media"),
    ("NPR", "USA", "public_media"), ("PBS", "USA", "public_media"),
    ("Deutsche Welle", "DEU", "public_media"), ("NHK", "JPN", "public_media"),
    ("CBC", "CAN", "public_media"), ("ABC Australia", "AUS", "public_media"),
    ("Reuters", "GBR", "independent_media"), ("AP", "USA", "independent_media"),
    ("Associated Press", "USA", "independent_media"), ("Bloomberg", "USA", "independent_media"),
    ("The New York Times", "USA", "independent_media"), ("NYT", "USA", "independent_media"),
    ("Washington Post", "USA", "independent_media"), ("WSJ", "USA", "independent_media"),
    ("the Guardian", "GBR", "independent_media"), ("CNN", "USA", "independent_media"),
    ("Fox News", "USA", "independent_media"), ("SCMP", "HKG", "independent_media"),
    ("South China Morning Post", "HKG", "independent_media"),
    ("Meduza", "RUS", "independent_media"), ("Novaya Gazeta", "RUS", "independent_media"),
])
def test_media_for(kb: KnowledgeBase, text: str, country: str, kind: str) -> None:
    outlet = kb.media_for(text)
    assert outlet and (outlet.country, outlet.type) == (country, kind)


def test_media_roles_and_ambiguity(kb: KnowledgeBase) -> None:
    roles = {text: getattr(kb.media_for(text), "role", None)
             for text in ("CCTV", "BBC", "Al-Manar")}
    assert roles == {"CCTV": "state_media", "BBC": "independent_media", "Al-Manar": "party"}
    for text in ("rt", "cctv", "the Times", "ABC", "CNA"):
        assert kb.media_for(text) is None, text
    assert len([o for o in kb.media if "The Times" in (o.name, *o.aliases)]) == 2


@pytest.mark.parametrize(("text", "name", "role"), [
    ("NATO", "NATO", "international_organization"),
    ("Nato", "NATO", "international_organization"),
    ("UN", "United Nations", "international_organization"),
    ("U.N.", "United Nations", "international_organization"),
    ("UN Security Council", "UN Security Council", "international_organization"),
    ("WHO", "World Health Organization", "international_organization"),
    ("IAEA", "International Atomic Energy Agency", "international_organization"),
    ("UNHCR", "UNHCR", "international_organization"),
    ("European Commission", "European Commission", "international_organization"),
    ("EU", "European Union", "international_organization"),
    ("ICC", "International Criminal Court", "international_organization"),
    ("ICJ", "International Court of Justice", "international_organization"),
    ("Red Cross", "International Committee of the Red Cross", "ngo_or_civil_society"),
    ("Amnesty International", "Amnesty International", "ngo_or_civil_society"),
    ("HRW", "Human Rights Watch", "ngo_or_civil_society"),
    ("Doctors Without Borders", "Médecins Sans Frontières", "ngo_or_civil_society"),
    ("Brookings", "Brookings Institution", "think_tank"),
])
def test_organization_for(kb: KnowledgeBase, text: str, name: str, role: str) -> None:
    org = kb.organization_for(text)
    assert org and (org.name, org.role) == (name, role)


def test_organization_abbreviations_are_case_sensitive(kb: KnowledgeBase) -> None:
    for text in ("who", "un", "eu", "amnesty"):
        assert kb.organization_for(text) is None, text
    assert kb.organization_for("CSIS") is None  # the think tank, or Canada's intelligence service
    assert kb.institution_for("CSIS") is None


# -- titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "role"), [
    ("president", "head_of_state_or_government"), ("Prime Minister", "head_of_state_or_government"),
    ("premier", "head_of_state_or_government"), ("chancellor", "head_of_state_or_government"),
    ("king", "head_of_state_or_government"), ("president-elect", "head_of_state_or_government"),
    ("former president", "head_of_state_or_government"),
    ("president of the company", "business"), ("company president", "business"),
    ("foreign minister", "minister_or_ministry"), ("minister", "minister_or_ministry"),
    ("Secretary of State", "minister_or_ministry"), ("ministry", "minister_or_ministry"),
    ("Ministry of Defence", "minister_or_ministry"), ("department", "minister_or_ministry"),
    ("deputy foreign minister", "minister_or_ministry"),
    ("Deputy Prime Minister", "minister_or_ministry"),
    ("ambassador", "diplomat"), ("envoy", "diplomat"), ("diplomats", "diplomat"),
    ("consul", "diplomat"), ("Chinese foreign ministry spokesperson", "diplomat"),
    ("spokeswoman for the Chinese foreign ministry", "diplomat"),
    ("general", "military"), ("admiral", "military"), ("commander", "military"),
    ("colonel", "military"), ("troops", "military"), ("army", "military"),
    ("Lt. Gen.", "military"), ("senator", "legislator"), ("congressman", "legislator"),
    ("lawmakers", "legislator"), ("MP", "legislator"), ("a Duma deputy", "legislator"),
    ("Rep.", "legislator"), ("professor", "expert_or_academic"),
    ("analysts", "expert_or_academic"), ("economist", "expert_or_academic"),
    ("researcher", "expert_or_academic"), ("scholar", "expert_or_academic"),
    ("expert", "expert_or_academic"), ("professor of economics at Harvard", "expert_or_academic"),
    ("senior fellow at the Brookings Institution", "think_tank"),
    ("a source", "unnamed_source"), ("officials said", "unnamed_source"),
    ("people familiar with the matter", "unnamed_source"),
    ("people familiar with", "unnamed_source"),
    ("sources close to the Kremlin", "unnamed_source"),
    ("a senior administration official", "unnamed_source"),
    ("report", "document"), ("study", "document"), ("statement", "document"),
    ("document", "document"), ("poll", "document"), ("survey", "document"),
    ("resident", "citizen_or_witness"), ("witnesses", "citizen_or_witness"),
    ("protesters", "citizen_or_witness"), ("voter", "citizen_or_witness"),
    ("CEO", "business"), ("executive", "business"), ("company", "business"), ("firm", "business"),
    ("activist", "ngo_or_civil_society"), ("NGO", "ngo_or_civil_society"),
    ("charity", "ngo_or_civil_society"), ("campaigners", "ngo_or_civil_society"),
    ("state media", "state_media"), ("state-run television", "state_media"),
    ("journalist", "independent_media"), ("Xinhua reporter", "state_media"),
    ("think tank", "think_tank"), ("opposition leader", "party"), ("Hamas leader", "party"),
    ("Kremlin spokesman", "head_of_state_or_government"),
    ("Pentagon spokesman", "minister_or_ministry"),
    ("NATO spokesperson", "international_organization"),
    ("UN Secretary-General", "international_organization"),
    ("chairman of the Federal Reserve", "minister_or_ministry"),
    ("Senate Foreign Relations Committee chairman", "legislator"),
    ("President Xi", "head_of_state_or_government"),
])
def test_role_for_title(kb: KnowledgeBase, phrase: str, role: str) -> None:
    assert kb.role_for_title(phrase) == role


@pytest.mark.parametrize("phrase", ["spokesperson", "chairman", "", "the", "banana"])
def test_role_for_title_without_a_role(kb: KnowledgeBase, phrase: str) -> None:
    assert kb.role_for_title(phrase) is None


def test_title_context_hints(kb: KnowledgeBase) -> None:
    assert "company" in kb.titles.context["president"]
    assert "president" in kb.titles.yield_to_object


def test_yaml_parsed_alike_with_or_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged YAML (knowledge base, CAMEO dictionary, sides example) reads the same
    through libyaml and through PyYAML's pure-Python safe loader, which load_yaml falls
    back to when PyYAML was built without libyaml; errors stay YAMLErrors with a line."""
    from evenhand._util import load_yaml

    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "src" / "evenhand").rglob("*.yaml")) + sorted(
        (root / "examples").glob("*.yaml"))
    assert len(files) >= 5
    with_c = {f: load_yaml(f.read_text(encoding="utf-8")) for f in files}

    def bad_yaml_has_a_line() -> None:
        with pytest.raises(yaml.YAMLError) as caught:
            load_yaml("a: [1, 2\nb: 3\n")
        assert getattr(caught.value, "problem_mark", None) is not None

    bad_yaml_has_a_line()
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert load_yaml(text) == with_c[f] == yaml.safe_load(text), f
    bad_yaml_has_a_line()
