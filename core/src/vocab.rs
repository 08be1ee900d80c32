//! The controlled vocabularies of the directory: agency kinds, target groups,
//! needs and violence forms. Ids are stable snake_case strings used in content
//! files, JSON output, the CLI and the FFI; labels exist in Swedish and English.

use serde::{Deserialize, Serialize};

/// A language for labels and texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn id(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
}

/// One entry of a vocabulary, as listed by `fyr vocab`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VocabEntry {
    pub id: &'static str,
    pub sv: &'static str,
    pub en: &'static str,
}

macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $id:literal, $sv:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            pub fn id(self) -> &'static str { match self { $($name::$variant => $id,)+ } }
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Sv) => $sv, ($name::$variant, Lang::En) => $en,)+
                }
            }
            /// Parses an id (case-insensitive, `-` accepted for `_`).
            pub fn parse(s: &str) -> Option<$name> {
                let norm = s.trim().to_ascii_lowercase().replace('-', "_");
                match norm.as_str() { $($id => Some($name::$variant),)+ _ => None }
            }
            /// The position of this value, for bit sets (< 32).
            pub fn bit(self) -> u32 { 1u32 << (self as u32) }
            pub fn entries() -> Vec<VocabEntry> {
                Self::ALL.iter().map(|v| VocabEntry { id: v.id(), sv: v.label(Lang::Sv), en: v.label(Lang::En) }).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.id()) }
        }
    };
}

vocab!(
    /// The kind of agency an organization is; every party of the agreements has one.
    AgencyKind {
        NationalHelpline = "national_helpline", "Nationell stödlinje", "National helpline";
        Emergency = "emergency", "Larmnummer", "Emergency number";
        Police = "police", "Polis", "Police";
        SocialServices = "social_services", "Socialtjänst", "Social services";
        SocialServicesOnCall = "social_services_on_call", "Socialjour", "Social services on call";
        Healthcare = "healthcare", "Hälso- och sjukvård", "Healthcare";
        EmergencyCare = "emergency_care", "Akutsjukvård", "Emergency care";
        Barnahus = "barnahus", "Barnahus", "Barnahus (child advocacy centre)";
        WomensShelter = "womens_shelter", "Kvinnojour", "Women's shelter";
        YoungWomensShelter = "young_womens_shelter", "Tjejjour", "Young women's shelter";
        VictimSupport = "victim_support", "Brottsofferstöd", "Victim support";
        PerpetratorProgramme = "perpetrator_programme", "Stöd till våldsutövare", "Perpetrator programme";
        Prosecutor = "prosecutor", "Åklagare", "Prosecutor";
        PrisonProbation = "prison_probation", "Kriminalvården", "Prison and Probation Service";
        Church = "church", "Svenska kyrkan", "Church of Sweden";
        CountyBoard = "county_board", "Länsstyrelsen", "County administrative board";
        SchoolHealth = "school_health", "Skola och elevhälsa", "School and student health";
        University = "university", "Universitet", "University";
        Other = "other", "Annan aktör", "Other";
        HonourTeam = "honour_team", "Kompetensteam heder", "Honour-related violence team";
    }
);

vocab!(
    /// Who a service is for.
    Group {
        Women = "women", "Kvinnor", "Women";
        Men = "men", "Män", "Men";
        Children = "children", "Barn", "Children";
        YoungPeople = "young_people", "Unga", "Young people";
        PeopleWhoUseViolence = "people_who_use_violence", "Våldsutövare", "People who use violence";
        Lgbtq = "lgbtq", "hbtqi-personer", "LGBTQ+ people";
        OlderPeople = "older_people", "Äldre", "Older people";
        Disabilities = "disabilities", "Personer med funktionsnedsättning", "People with disabilities";
        Everyone = "everyone", "Alla", "Everyone";
    }
);

vocab!(
    /// What the person needs help with.
    Need {
        AcuteDanger = "acute_danger", "Akut fara", "Acute danger";
        TalkNow = "talk_now", "Prata med någon nu", "Someone to talk to now";
        ProtectedHousing = "protected_housing", "Skyddat boende", "Protected housing";
        MedicalCare = "medical_care", "Vård och dokumentation av skador", "Medical care and injury documentation";
        PoliceReport = "police_report", "Polisanmälan", "Police report";
        LegalSupport = "legal_support", "Stöd i rättsprocessen", "Support through the legal process";
        ChildProtection = "child_protection", "Barns skydd och orosanmälan", "Child protection and concern reports";
        Counselling = "counselling", "Samtalsstöd", "Counselling";
        PerpetratorProgramme = "perpetrator_programme", "Behandling för våldsutövare", "Perpetrator programme";
        HonourSupport = "honour_support", "Stöd vid hedersrelaterat våld", "Honour-related support";
        Interpretation = "interpretation", "Tolk", "Interpretation";
        Consultation = "consultation", "Konsultation för yrkesverksamma", "Consultation for professionals";
        SuicidePrevention = "suicide_prevention", "Stöd vid självmordstankar", "Support with thoughts of suicide";
    }
);

vocab!(
    /// Forms of violence, as the Kronoberg agreement lists them.
    Form {
        Physical = "physical", "Fysiskt våld", "Physical violence";
        Psychological = "psychological", "Psykiskt våld", "Psychological violence";
        Sexual = "sexual", "Sexuellt våld", "Sexual violence";
        Latent = "latent", "Latent våld", "Latent violence";
        Digital = "digital", "Digitalt våld", "Digital violence";
        Economic = "economic", "Ekonomiskt våld", "Economic violence";
        Material = "material", "Materiellt våld", "Material violence";
        Neglect = "neglect", "Försummelse", "Neglect";
        Honour = "honour", "Hedersrelaterat våld och förtryck", "Honour-related violence and oppression";
        ProstitutionTrafficking = "prostitution_trafficking", "Prostitution och människohandel", "Prostitution and human trafficking";
    }
);

vocab!(
    /// Who the person in front of you is, as a typed query is read
    /// (`understand::read`): the routing model's `when.roles`.
    Role {
        Subjected = "subjected", "Utsatt för våld", "Subjected to violence";
        UsesViolence = "uses_violence", "Utövar våld och söker hjälp", "Uses violence and seeks help";
        Child = "child", "Barn", "Child";
        Relative = "relative", "Anhörig", "Relative";
        Professional = "professional", "Yrkesperson som söker konsultation", "Professional seeking consultation";
    }
);

/// All four vocabularies, as `fyr vocab --json` prints them.
#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary {
    pub agency_kinds: Vec<VocabEntry>,
    pub groups: Vec<VocabEntry>,
    pub needs: Vec<VocabEntry>,
    pub forms: Vec<VocabEntry>,
}

pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        agency_kinds: AgencyKind::entries(),
        groups: Group::entries(),
        needs: Need::entries(),
        forms: Form::entries(),
    }
}

/// One vocabulary value with its label in one language, for filter chips and pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VocabLabel {
    pub id: String,
    pub label: String,
}

/// All four vocabularies labelled in `lang` (the apps' filters and settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VocabLabels {
    pub agency_kinds: Vec<VocabLabel>,
    pub groups: Vec<VocabLabel>,
    pub needs: Vec<VocabLabel>,
    pub forms: Vec<VocabLabel>,
}

pub fn labels(lang: Lang) -> VocabLabels {
    fn of(entries: Vec<VocabEntry>, lang: Lang) -> Vec<VocabLabel> {
        entries
            .into_iter()
            .map(|e| VocabLabel {
                id: e.id.to_string(),
                label: match lang {
                    Lang::Sv => e.sv,
                    Lang::En => e.en,
                }
                .to_string(),
            })
            .collect()
    }
    let v = vocabulary();
    VocabLabels {
        agency_kinds: of(v.agency_kinds, lang),
        groups: of(v.groups, lang),
        needs: of(v.needs, lang),
        forms: of(v.forms, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_fit_bitsets() {
        for k in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(k.id()), Some(*k));
        }
        for g in Group::ALL {
            assert_eq!(Group::parse(g.id()), Some(*g));
        }
        for n in Need::ALL {
            assert_eq!(Need::parse(n.id()), Some(*n));
        }
        for f in Form::ALL {
            assert_eq!(Form::parse(f.id()), Some(*f));
        }
        assert!(AgencyKind::ALL.len() < 32 && Need::ALL.len() < 32);
        assert_eq!(Need::parse("Acute-Danger"), Some(Need::AcuteDanger));
        assert_eq!(Form::parse("honor"), None);
    }

    #[test]
    fn labels_follow_the_language() {
        let sv = labels(Lang::Sv);
        let en = labels(Lang::En);
        assert_eq!(sv.needs.len(), Need::ALL.len());
        let pick = |l: &VocabLabels| {
            l.groups
                .iter()
                .find(|g| g.id == "women")
                .unwrap()
                .label
                .clone()
        };
        assert_eq!((pick(&sv), pick(&en)), ("Kvinnor".into(), "Women".into()));
        assert_eq!(en.agency_kinds[0].label, AgencyKind::ALL[0].label(Lang::En));
    }

    #[test]
    fn serde_uses_the_ids() {
        assert_eq!(
            serde_json::to_string(&Group::PeopleWhoUseViolence).unwrap(),
            "\"people_who_use_violence\""
        );
        let n: Need = serde_json::from_str("\"protected_housing\"").unwrap();
        assert_eq!(n, Need::ProtectedHousing);
    }
}
